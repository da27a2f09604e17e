// SPDX-License-Identifier: MIT
/*
 * Error reporting: every failing libzkasic call leaves a message for its
 * thread, so a prover can log what went wrong, not only an errno.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread char last_error[256];

const char *zk_last_error(void)
{
	return last_error;
}

int zk_fail(int err, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (len >= 0 && (size_t)len < sizeof(last_error) && err)
		snprintf(last_error + len, sizeof(last_error) - len, ": %s",
			 strerror(-err));
	return err;
}

const char *zk_status_str(uint32_t status)
{
	switch (status) {
	case DRM_ZKASIC_STATUS_OK: return "ok";
	case DRM_ZKASIC_STATUS_INVALID_OPCODE: return "invalid opcode";
	case DRM_ZKASIC_STATUS_INVALID_KIND: return "invalid curve or field";
	case DRM_ZKASIC_STATUS_INVALID_FLAGS: return "invalid flags";
	case DRM_ZKASIC_STATUS_INVALID_SIZE: return "invalid size";
	case DRM_ZKASIC_STATUS_INVALID_ALIGN: return "misaligned address";
	case DRM_ZKASIC_STATUS_RESERVED_NONZERO: return "reserved field not zero";
	case DRM_ZKASIC_STATUS_MMU_FAULT: return "device MMU fault";
	case DRM_ZKASIC_STATUS_DMA_ERROR: return "DMA error";
	case DRM_ZKASIC_STATUS_INVALID_VALUE: return "input value out of range";
	case DRM_ZKASIC_STATUS_ABORTED: return "aborted by reset";
	case DRM_ZKASIC_STATUS_BAD_SQE: return "bad submission entry";
	case DRM_ZKASIC_STATUS_CTX_FAULT: return "context not valid";
	case DRM_ZKASIC_STATUS_INTERNAL: return "device internal error";
	case DRM_ZKASIC_STATUS_INJECTED: return "injected fault";
	case DRM_ZKASIC_STATUS_TIMEOUT: return "timed out (device reset)";
	case DRM_ZKASIC_STATUS_CANCELED: return "canceled";
	default: return "unknown status";
	}
}

/* Map a math-core return code to an errno, with its message. */
int zk_fail_math(int zkm_err, const char *what)
{
	switch (zkm_err) {
	case ZKM_OK:
		return 0;
	case ZKM_ENOMEM:
		return zk_fail(-ENOMEM, "%s", what);
	case ZKM_ERANGE:
		return zk_fail(-ERANGE, "%s: %s", what, zkm_strerror(zkm_err));
	case ZKM_EABORTED:
		return zk_fail(-ECANCELED, "%s: %s", what, zkm_strerror(zkm_err));
	default:
		return zk_fail(-EINVAL, "%s: %s", what, zkm_strerror(zkm_err));
	}
}
