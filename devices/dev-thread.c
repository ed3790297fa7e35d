#include <stdint.h>
#include <unistd.h>
#include "devices/dev-thread.h"

int dev_thread_start(struct dev_thread *t, void *(*fn)(void *), void *arg)
{
	t->stop = false;
	if (pthread_create(&t->thread, NULL, fn, arg))
		return -1;
	t->running = true;
	return 0;
}

void dev_thread_stop(struct dev_thread *t)
{
	uint64_t one = 1;

	if (!t->running)
		return;
	__atomic_store_n(&t->stop, true, __ATOMIC_RELEASE);
	if (write(t->kick_fd, &one, sizeof(one)) < 0)
		pthread_cancel(t->thread);
	pthread_join(t->thread, NULL);
	t->running = false;
}
