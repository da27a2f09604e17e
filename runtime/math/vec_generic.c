// SPDX-License-Identifier: MIT
/* VEC kernel, portable C arithmetic. */
#define ZKM_ISA generic
#include "vec_kernels.h"
