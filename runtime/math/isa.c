// SPDX-License-Identifier: MIT
/* Which kernel build to run: MULX/ADX where the CPU has it (see kernels.h). */
#include <stdlib.h>

#include "kernels.h"

#if ZKM_HAVE_ADX_KERNELS
#include <cpuid.h>
#endif

int zkm_use_adx(void)
{
#if ZKM_HAVE_ADX_KERNELS
	unsigned int a, b, c, d;
	const char *force = getenv("ZKASIC_MATH_GENERIC");

	if (force && *force && *force != '0')
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	/* CPUID.(EAX=7,ECX=0):EBX bit 8 = BMI2 (MULX), bit 19 = ADX */
	return (b & (1U << 8)) && (b & (1U << 19));
#else
	return 0;
#endif
}
