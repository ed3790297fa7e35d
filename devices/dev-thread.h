/*
 * The thread behind one backend queue: woken through the eventfd the VMM
 * signals when the frontend sends, and stopped through the same eventfd.
 */
#ifndef XENKVM_DEV_THREAD_H
#define XENKVM_DEV_THREAD_H

#include <pthread.h>
#include <stdbool.h>

struct dev_thread {
	int kick_fd;		/* eventfd */
	pthread_t thread;
	bool running;
	bool stop;
};

int dev_thread_start(struct dev_thread *t, void *(*fn)(void *), void *arg);
/* Sets stop, wakes the thread through kick_fd and joins it. */
void dev_thread_stop(struct dev_thread *t);
static inline bool dev_thread_stopping(struct dev_thread *t)
{
	return __atomic_load_n(&t->stop, __ATOMIC_ACQUIRE);
}

#endif
