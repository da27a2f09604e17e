// SPDX-License-Identifier: MIT
/*
 * Which kernel build to run: MULX/ADX where the CPU has it, the MSM's
 * AVX-512 IFMA flush where it has that, and the Goldilocks NTT's AVX-512F
 * stages where it has AVX512F (see kernels.h).
 */
#include <stdlib.h>

#include "kernels.h"

#if ZKM_HAVE_ADX_KERNELS
#include <cpuid.h>
#endif

/* ZKASIC_MATH_<name> set to anything but 0 (or empty) */
static int env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v && *v != '0';
}

int zkm_use_adx(void)
{
#if ZKM_HAVE_ADX_KERNELS
	unsigned int a, b, c, d;

	if (env_set("ZKASIC_MATH_GENERIC"))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	/* CPUID.(EAX=7,ECX=0):EBX bit 8 = BMI2 (MULX), bit 19 = ADX */
	return (b & (1U << 8)) && (b & (1U << 19));
#else
	return 0;
#endif
}

#if ZKM_HAVE_IFMA_KERNELS
/* the CPU has AVX512F (and AVX512_IFMA if @ifma) and the OS saves the ZMM state */
static int cpu_has_avx512(int ifma)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1U << 27)))	/* OSXSAVE */
		return 0;
	/* XCR0: SSE, AVX, opmask, ZMM0-15 upper halves, ZMM16-31 saved by the OS */
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 0xe6) != 0xe6)
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	/* EBX bit 16 = AVX512F, bit 21 = AVX512_IFMA */
	return (b & (1U << 16)) && (!ifma || (b & (1U << 21)));
}
#endif

int zkm_use_ifma(void)
{
#if ZKM_HAVE_IFMA_KERNELS
	static int cached = -1;
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	const char *force = getenv("ZKASIC_MATH_IFMA");

	if (env_set("ZKASIC_MATH_GENERIC") || (force && *force == '0'))
		return 0;
	if (v < 0) {
		v = cpu_has_avx512(1);
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	}
	return v;
#else
	return 0;
#endif
}

int zkm_use_avx512(void)
{
#if ZKM_HAVE_AVX512_KERNELS
	static int cached = -1;
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	const char *force = getenv("ZKASIC_MATH_AVX512");

	if (env_set("ZKASIC_MATH_GENERIC") || (force && *force == '0'))
		return 0;
	if (v < 0) {
		v = cpu_has_avx512(0);
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	}
	return v;
#else
	return 0;
#endif
}
