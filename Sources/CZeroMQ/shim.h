#ifndef VIGIL_CZEROMQ_SHIM_H
#define VIGIL_CZEROMQ_SHIM_H

#include <zmq.h>
#include <errno.h>

/* Swift imports zmq.h's functions and integer macros as they are; only errno needs a shim,
   because glibc defines it as a macro over a function call. */
static inline int vigil_zmq_errno(void) { return zmq_errno(); }

#endif
