/* SPDX-License-Identifier: MIT */
/* libzkasic internals shared by its source files. */
#ifndef ZKASIC_RUNTIME_INTERNAL_H
#define ZKASIC_RUNTIME_INTERNAL_H

#include <stdint.h>

#include <zkasic/zkasic.h>

struct zk_device {
	int fd;
	struct zk_device_info info;
};

/* Record a message for zk_last_error() and return @err (a negative errno). */
int zk_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int zk_fail_math(int zkm_err, const char *what);

/* ioctl that restarts on EINTR/EAGAIN; returns 0 or -errno. */
int zk_ioctl(int fd, unsigned long request, void *arg);

/* Montgomery to standard form in place: one base-field element of @n8 bytes
 * (little-endian), @q_bytes the modulus (groth16.c). */
void zk_fq_from_mont(uint8_t *bytes, const uint8_t *q_bytes, unsigned int n8);

#endif
