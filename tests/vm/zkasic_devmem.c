// SPDX-License-Identifier: MIT
/*
 * Device memory and resident bases: a DEVMEM buffer lives in the device's
 * DRAM, is zeroed before it is handed out, cannot be mapped or exported,
 * is reachable only from its context, and holds MSM bases across many MSMs
 * with fresh scalars, as provers keep a circuit's fixed bases.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <zkasic/zkasic.h>

#include "kselftest_harness.h"

FIXTURE(devmem) {
	struct zk_device *dev;
	struct zk_batch *batch;
};

FIXTURE_SETUP(devmem)
{
	ASSERT_EQ(0, zk_device_open(&self->dev, 0)) TH_LOG("%s", zk_last_error());
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &self->batch));
}

FIXTURE_TEARDOWN(devmem)
{
	zk_batch_free(self->batch);
	zk_device_close(self->dev);
}

TEST_F(devmem, not_cpu_mappable_nor_exportable)
{
	struct zk_buffer *dm;
	int fd;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 1 << 16, DRM_ZKASIC_BO_DEVMEM, &dm))
		TH_LOG("%s", zk_last_error());
	EXPECT_EQ(NULL, dm->map);
	EXPECT_NE(0, dm->iova);
	EXPECT_NE(0, zk_buffer_export(dm, &fd));
	zk_buffer_free(dm);
}

TEST_F(devmem, larger_than_device_memory_fails)
{
	struct zk_buffer *dm;

	EXPECT_EQ(-E2BIG, zk_buffer_alloc(self->dev,
					  zk_device_info(self->dev)->devmem_size + 4096,
					  DRM_ZKASIC_BO_DEVMEM, &dm));
}

TEST_F(devmem, fresh_buffer_is_zeroed_after_previous_owner)
{
	const uint32_t size = 1 << 20;
	struct zk_buffer *host, *dm;
	uint8_t *p;

	ASSERT_EQ(0, zk_buffer_alloc(self->dev, size, 0, &host));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, size, DRM_ZKASIC_BO_DEVMEM, &dm));
	/* The previous owner leaves a secret in device DRAM. */
	zk_prep_fill(zk_batch_get_cmd(self->batch), dm->iova, 0xee, size);
	zk_prep_copy(zk_batch_get_cmd(self->batch), host->iova, dm->iova, size);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	p = host->map;
	ASSERT_EQ(0xee, p[size - 1]);
	zk_buffer_free(dm);

	/* The next buffer gets (at least partly) the same DRAM: all zero. */
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, size, DRM_ZKASIC_BO_DEVMEM, &dm));
	zk_prep_copy(zk_batch_get_cmd(self->batch), host->iova, dm->iova, size);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	uint32_t leaked = 0;

	while (leaked < size && !p[leaked])
		leaked++;
	EXPECT_EQ(size, leaked) TH_LOG("byte %u leaked from the previous owner", leaked);
	zk_buffer_free(dm);
	zk_buffer_free(host);
}

TEST_F(devmem, other_context_cannot_reach_it)
{
	struct zk_device *other;
	struct zk_buffer *pad, *dm, *mine;
	struct zk_batch *b;
	struct zk_result res;

	ASSERT_EQ(0, zk_device_open(&other, 0));
	ASSERT_EQ(0, zk_buffer_alloc(other, 1 << 20, 0, &pad));
	ASSERT_EQ(0, zk_buffer_alloc(other, 4096, DRM_ZKASIC_BO_DEVMEM, &dm));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, 4096, 0, &mine));
	ASSERT_EQ(0, zk_batch_new(self->dev, 0, &b));
	zk_prep_copy(zk_batch_get_cmd(b), mine->iova, dm->iova, 4096);
	EXPECT_EQ(-EIO, zk_batch_run(b, 0, &res));
	EXPECT_EQ(DRM_ZKASIC_STATUS_MMU_FAULT, res.status);
	zk_batch_free(b);
	zk_buffer_free(mine);
	zk_buffer_free(dm);
	zk_buffer_free(pad);
	zk_device_close(other);
}

TEST_F(devmem, resident_bases_serve_many_msms)
{
	const uint32_t n = 256;
	const size_t pb = zkm_point_bytes(ZKM_BN254_G1);
	struct zk_buffer *host, *dm;
	uint8_t g[64], k[32] = { 0 }, want[64];
	uint8_t *bases, *scalars, *result;

	ASSERT_EQ(0, zk_curve_generator(ZKM_BN254_G1, g));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, n * pb + n * 32 + 64, 0, &host));
	ASSERT_EQ(0, zk_buffer_alloc(self->dev, n * pb, DRM_ZKASIC_BO_DEVMEM, &dm));
	bases = host->map;
	scalars = bases + n * pb;
	result = scalars + n * 32;
	for (uint32_t i = 0; i < n; i++) {
		k[0] = (uint8_t)(i + 1);
		k[1] = (uint8_t)(i >> 3);
		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, g, k, 1, 0, bases + i * pb, NULL));
	}
	/* Load once... */
	zk_prep_copy(zk_batch_get_cmd(self->batch), dm->iova, host->iova, n * pb);
	ASSERT_EQ(0, zk_batch_run(self->batch, 0, NULL)) TH_LOG("%s", zk_last_error());
	/* ...then host bases are scribbled over: only DRAM holds them now. */
	uint8_t *saved = malloc(n * pb);

	ASSERT_NE(NULL, saved);
	memcpy(saved, bases, n * pb);
	memset(bases, 0, n * pb);
	for (int round = 0; round < 4; round++) {
		for (uint32_t i = 0; i < n * 32; i++)
			scalars[i] = (uint8_t)(i * 7 + round * 13 + (i >> 5));
		for (uint32_t i = 0; i < n; i++)
			scalars[i * 32 + 31] &= 0x0f;
		zk_prep_msm(zk_batch_get_cmd(self->batch), DRM_ZKASIC_CURVE_BN254_G1, dm->iova,
			    host->iova + n * pb, n, host->iova + n * pb + n * 32, 0);
		ASSERT_EQ(0, zk_batch_run(self->batch, round % 2, NULL))
			TH_LOG("%s", zk_last_error());
		ASSERT_EQ(0, zkm_msm(ZKM_BN254_G1, saved, scalars, n, 0, want, NULL));
		EXPECT_EQ(0, memcmp(want, result, pb)) TH_LOG("round %d", round);
	}
	free(saved);
	zk_buffer_free(dm);
	zk_buffer_free(host);
}

TEST_HARNESS_MAIN
