// SPDX-License-Identifier: MIT
/*
 * zkm_point_check on all four groups: generators and their multiples in
 * both forms and infinity pass; a changed coordinate, a coordinate not
 * below p and bad arguments are refused.
 */
#include <string.h>

#include <zkasic/zkasic.h>
#include <zkasic/zkmath.h>

#include "kselftest_harness.h"

static const int curves[] = {
	ZKM_BN254_G1, ZKM_BN254_G2, ZKM_BLS12_381_G1, ZKM_BLS12_381_G2,
};

TEST(points_on_and_off_the_curve)
{
	for (size_t c = 0; c < sizeof(curves) / sizeof(curves[0]); c++) {
		const int curve = curves[c];
		const size_t pb = zkm_point_bytes(curve);
		uint8_t g[192], p[192], k[32] = { 0x35, 0x12 };

		ASSERT_EQ(0, zk_curve_generator(curve, g));
		EXPECT_EQ(ZKM_OK, zkm_point_check(curve, g, 0));
		ASSERT_EQ(ZKM_OK, zkm_msm(curve, g, k, 1, 0, p, NULL));	/* 0x1235 G */
		EXPECT_EQ(ZKM_OK, zkm_point_check(curve, p, 0));
		/* read as Montgomery form, a valid point is (all but surely) not one */
		EXPECT_EQ(ZKM_ERANGE, zkm_point_check(curve, p, ZKM_MSM_POINTS_MONT));
		memset(p, 0, pb);
		EXPECT_EQ(ZKM_OK, zkm_point_check(curve, p, 0));	/* infinity */
		EXPECT_EQ(ZKM_OK, zkm_point_check(curve, p, ZKM_MSM_POINTS_MONT));
		memcpy(p, g, pb);
		p[pb - 1] ^= 0x01;	/* y changed in its top byte */
		EXPECT_EQ(ZKM_ERANGE, zkm_point_check(curve, p, 0));
		memcpy(p, g, pb);
		p[0] ^= 0x01;		/* x changed */
		EXPECT_EQ(ZKM_ERANGE, zkm_point_check(curve, p, 0));
		memset(p, 0xff, pb);	/* coordinates >= p */
		EXPECT_EQ(ZKM_ERANGE, zkm_point_check(curve, p, 0));
		EXPECT_EQ(ZKM_EINVAL, zkm_point_check(curve, NULL, 0));
		EXPECT_EQ(ZKM_EINVAL, zkm_point_check(curve, g, 1U << 5));
	}
	EXPECT_EQ(ZKM_EINVAL, zkm_point_check(99, curves, 0));
}

TEST_HARNESS_MAIN
