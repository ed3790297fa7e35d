#ifndef XENKVM_DOM0_SERVER_H
#define XENKVM_DOM0_SERVER_H

#include "src/xenkvmd/dom0.h"

int dom0_listen(struct dom0 *z);
int dom0_signals(struct dom0 *z);
void dom0_run(struct dom0 *z);

#endif
