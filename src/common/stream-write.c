/* Xen's migration stream v2, written (see stream-write.h). */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/common/stream-write.h"

static const uint8_t zeros[XEN_SR_RECORD_ALIGN];

void stream_writer_init(struct stream_writer *w, int fd)
{
	w->fd = fd;
	w->offset = 0;
	w->broken = 0;
}

static int invalid(void)
{
	errno = EINVAL;
	return -1;
}

/* All of iov[0..n) onto the descriptor, through short writes and signals.
 * iov is consumed. */
static int write_iov(struct stream_writer *w, struct iovec *iov, unsigned n)
{
	while (n) {
		ssize_t done;

		/* writev returns 0 for nothing to write: that must not look like EOF. */
		if (iov->iov_len == 0) {
			iov++, n--;
			continue;
		}
		done = writev(w->fd, iov, n < IOV_MAX ? (int)n : IOV_MAX);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) {
			w->broken = done < 0 ? errno : EIO;
			errno = w->broken;
			return -1;
		}
		w->offset += (uint64_t)done;
		while (n && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++, n--;
		}
		if (done) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

static int write_bytes(struct stream_writer *w, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	if (w->broken) {
		errno = w->broken;
		return -1;
	}
	return write_iov(w, &iov, 1);
}

/* Header, parts, padding, as one writev where the count allows. */
int stream_write_record(struct stream_writer *w, uint32_t type, const struct iovec *parts,
			unsigned n)
{
	struct xen_sr_record_header h = { .type = type };
	struct iovec stack[16], *iov = stack;
	uint64_t len = 0;
	int rc;

	if (w->broken) {
		errno = w->broken;
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		len += parts[i].iov_len;
	if (len > STREAM_PAGE_DATA_MAX)
		return invalid();
	h.length = (uint32_t)len;
	if (n + 2 > sizeof(stack) / sizeof(stack[0])) {
		iov = malloc((n + 2) * sizeof(*iov));
		if (!iov)
			return -1;
	}
	iov[0] = (struct iovec){ &h, sizeof(h) };
	if (n)
		memcpy(iov + 1, parts, n * sizeof(*iov));
	iov[n + 1] = (struct iovec){ (void *)zeros, (XEN_SR_RECORD_ALIGN - len % XEN_SR_RECORD_ALIGN) %
							    XEN_SR_RECORD_ALIGN };
	rc = write_iov(w, iov, n + 2);
	if (iov != stack)
		free(iov);
	return rc;
}

static int write_body(struct stream_writer *w, uint32_t type, const void *body, size_t len)
{
	struct iovec iov = { (void *)body, len };

	return stream_write_record(w, type, &iov, len ? 1 : 0);
}

static int write_empty(struct stream_writer *w, uint32_t type)
{
	return stream_write_record(w, type, NULL, 0);
}

/* --- xl save file --------------------------------------------------------- */

int stream_write_xl_header(struct stream_writer *w, const char *config_json)
{
	struct xen_xl_save_header h = {
		.byteorder = XEN_XL_SAVE_BYTEORDER,
		.mandatory_flags = XEN_XL_FLAG_STREAMV2,
	};
	size_t config_len = config_json ? strlen(config_json) + 1 : 0;
	uint32_t len_word = (uint32_t)config_len;
	struct iovec iov[3] = {
		{ &h, sizeof(h) }, { &len_word, sizeof(len_word) }, { (void *)config_json, config_len },
	};

	if (config_len > STREAM_CONFIG_MAX)
		return invalid();
	if (w->broken) {
		errno = w->broken;
		return -1;
	}
	memcpy(h.magic, XEN_XL_SAVE_MAGIC, XEN_XL_SAVE_MAGIC_LEN);
	if (config_len)
		h.mandatory_flags |= XEN_XL_FLAG_JSON;
	/* xl writes the length word even for no config. */
	h.optional_data_len = (uint32_t)(sizeof(len_word) + config_len);
	return write_iov(w, iov, 3);
}

/* --- libxl stream ---------------------------------------------------------- */

int stream_write_libxl_header(struct stream_writer *w)
{
	struct xen_sr_libxl_header h = {
		.ident = htobe64(XEN_SR_LIBXL_IDENT),
		.version = htobe32(XEN_SR_LIBXL_VERSION),
		.options = 0,	/* little-endian, not converted from a legacy stream */
	};

	return write_bytes(w, &h, sizeof(h));
}

int stream_write_libxl_libxc_context(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_LIBXL_LIBXC_CONTEXT);
}

int stream_write_libxl_emulator(struct stream_writer *w, uint32_t type, uint32_t emulator_id,
				uint32_t index, const void *data, size_t len)
{
	struct xen_sr_emulator_header h = { .id = emulator_id, .index = index };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, len } };

	if (type != XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA && type != XEN_SR_LIBXL_EMULATOR_CONTEXT)
		return invalid();
	if (emulator_id > XEN_SR_EMULATOR_QEMU_UPSTREAM || len > STREAM_BODY_MAX - sizeof(h))
		return invalid();
	/* xenstore data: NUL-terminated keys and values, in pairs. */
	if (type == XEN_SR_LIBXL_EMULATOR_XENSTORE_DATA && len) {
		const char *p = data;
		size_t strings = 0;

		if (p[len - 1] != 0)
			return invalid();
		for (size_t i = 0; i < len; i++)
			strings += p[i] == 0;
		if (strings % 2)
			return invalid();
	}
	return stream_write_record(w, type, iov, 2);
}

int stream_write_libxl_checkpoint_end(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_LIBXL_CHECKPOINT_END);
}

int stream_write_libxl_end(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_LIBXL_END);
}

/* --- libxc stream ---------------------------------------------------------- */

int stream_write_image_header(struct stream_writer *w)
{
	struct xen_sr_image_header h = {
		.marker = htobe64(XEN_SR_IHDR_MARKER),
		.id = htobe32(XEN_SR_IHDR_ID),
		.version = htobe32(XEN_SR_IHDR_VERSION),
		.options = 0,	/* little-endian */
	};

	return write_bytes(w, &h, sizeof(h));
}

int stream_write_domain_header(struct stream_writer *w, uint32_t type, uint32_t xen_major,
			       uint32_t xen_minor)
{
	struct xen_sr_domain_header h = {
		.type = type,
		.page_shift = XEN_PAGE_SHIFT,
		.xen_major = xen_major,
		.xen_minor = xen_minor,
	};

	if (type != XEN_SR_DOMAIN_X86_PV && type != XEN_SR_DOMAIN_X86_HVM)
		return invalid();
	return write_bytes(w, &h, sizeof(h));
}

int stream_write_x86_pv_info(struct stream_writer *w, uint8_t guest_width, uint8_t pt_levels)
{
	struct xen_sr_x86_pv_info info = { .guest_width = guest_width, .pt_levels = pt_levels };

	/* The only pairs Xen restores: 64-bit with 4 levels, 32-bit PAE with 3. */
	if (!(guest_width == 8 && pt_levels == 4) && !(guest_width == 4 && pt_levels == 3))
		return invalid();
	return write_body(w, XEN_SR_REC_X86_PV_INFO, &info, sizeof(info));
}

int stream_write_x86_cpuid_policy(struct stream_writer *w, const struct xen_sr_cpuid_leaf *leaves,
				  unsigned n)
{
	if (n == 0 || (uint64_t)n * sizeof(*leaves) > STREAM_BODY_MAX)
		return invalid();
	return write_body(w, XEN_SR_REC_X86_CPUID_POLICY, leaves, n * sizeof(*leaves));
}

int stream_write_x86_msr_policy(struct stream_writer *w, const struct xen_sr_msr_entry *msrs,
				unsigned n)
{
	if (n == 0 || (uint64_t)n * sizeof(*msrs) > STREAM_BODY_MAX)
		return invalid();
	for (unsigned i = 0; i < n; i++)
		if (msrs[i].flags)
			return invalid();
	return write_body(w, XEN_SR_REC_X86_MSR_POLICY, msrs, n * sizeof(*msrs));
}

int stream_write_static_data_end(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_REC_STATIC_DATA_END);
}

int stream_write_x86_pv_p2m_frames(struct stream_writer *w, unsigned guest_width,
				   uint32_t start_pfn, uint32_t end_pfn, const uint64_t *frames,
				   unsigned n)
{
	struct xen_sr_x86_pv_p2m_frames h = { .start_pfn = start_pfn, .end_pfn = end_pfn };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)frames, (size_t)n * sizeof(*frames) } };
	unsigned per_frame;

	if (guest_width != 4 && guest_width != 8)
		return invalid();
	per_frame = XEN_PAGE_SIZE / guest_width;
	if (start_pfn > end_pfn || n != end_pfn / per_frame - start_pfn / per_frame + 1)
		return invalid();
	for (unsigned i = 0; i < n; i++)
		if (frames[i] > XEN_SR_PFN_MASK)
			return invalid();
	return stream_write_record(w, XEN_SR_REC_X86_PV_P2M_FRAMES, iov, 2);
}

int stream_write_page_data(struct stream_writer *w, const uint64_t *pfn_words, unsigned count,
			   const void *const *pages)
{
	struct xen_sr_page_data_header h = { .count = count };
	struct iovec *iov;
	unsigned n = 0;
	int rc;

	if (count == 0 || count > STREAM_PAGES_MAX)
		return invalid();
	for (unsigned i = 0; i < count; i++) {
		unsigned type = (unsigned)(pfn_words[i] >> XEN_SR_PAGE_TYPE_SHIFT);

		if ((pfn_words[i] & XEN_SR_PFN_RESERVED) || !XEN_SR_PAGE_KNOWN(type))
			return invalid();
		if (XEN_SR_PAGE_HAS_DATA(type) && !pages[i])
			return invalid();
	}
	iov = malloc((count + 2) * sizeof(*iov));
	if (!iov)
		return -1;
	iov[n++] = (struct iovec){ &h, sizeof(h) };
	iov[n++] = (struct iovec){ (void *)pfn_words, count * sizeof(*pfn_words) };
	for (unsigned i = 0; i < count; i++)
		if (XEN_SR_PAGE_HAS_DATA(pfn_words[i] >> XEN_SR_PAGE_TYPE_SHIFT))
			iov[n++] = (struct iovec){ (void *)pages[i], XEN_PAGE_SIZE };
	rc = stream_write_record(w, XEN_SR_REC_PAGE_DATA, iov, n);
	free(iov);
	return rc;
}

/* The sizes Xen 4.17's restore takes for each kind of vCPU blob. */
static int vcpu_blob_size_ok(uint32_t type, size_t len)
{
	switch (type) {
	case XEN_SR_REC_X86_PV_VCPU_BASIC:
		return len == XEN_SR_VCPU_BASIC64_SIZE || len == XEN_SR_VCPU_BASIC32_SIZE;
	case XEN_SR_REC_X86_PV_VCPU_EXTENDED:
		return len > 0 && len <= XEN_SR_VCPU_EXTENDED_MAX;
	case XEN_SR_REC_X86_PV_VCPU_XSAVE:
		return len >= XEN_SR_VCPU_XSAVE_MIN && len <= STREAM_BODY_MAX - 8;
	case XEN_SR_REC_X86_PV_VCPU_MSRS:
		return len > 0 && len % sizeof(struct xen_sr_vcpu_msr) == 0 &&
		       len <= STREAM_BODY_MAX - 8;
	}
	return 0;
}

int stream_write_x86_pv_vcpu(struct stream_writer *w, uint32_t type, uint32_t vcpu_id,
			     const void *blob, size_t len)
{
	struct xen_sr_x86_pv_vcpu_header h = { .vcpu_id = vcpu_id };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)blob, len } };

	if (!vcpu_blob_size_ok(type, len))
		return invalid();
	return stream_write_record(w, type, iov, 2);
}

int stream_write_shared_info(struct stream_writer *w, const void *page)
{
	return write_body(w, XEN_SR_REC_SHARED_INFO, page, XEN_PAGE_SIZE);
}

int stream_write_x86_tsc_info(struct stream_writer *w, uint32_t mode, uint32_t khz,
			      uint64_t nsec, uint32_t incarnation)
{
	struct xen_sr_x86_tsc_info t = {
		.mode = mode, .khz = khz, .nsec = nsec, .incarnation = incarnation,
	};

	if (mode > XEN_TSC_MODE_NEVER_EMULATE)
		return invalid();
	return write_body(w, XEN_SR_REC_X86_TSC_INFO, &t, sizeof(t));
}

int stream_write_hvm_params(struct stream_writer *w, const struct xen_sr_hvm_param *params,
			    unsigned n)
{
	struct xen_sr_hvm_params_header h = { .count = n };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)params, (size_t)n * sizeof(*params) } };

	if (n == 0 || (uint64_t)n * sizeof(*params) > STREAM_BODY_MAX - sizeof(h))
		return invalid();
	return stream_write_record(w, XEN_SR_REC_HVM_PARAMS, iov, 2);
}

int stream_write_hvm_context(struct stream_writer *w, const void *blob, size_t len)
{
	if (len == 0 || len > STREAM_BODY_MAX)
		return invalid();
	return write_body(w, XEN_SR_REC_HVM_CONTEXT, blob, len);
}

int stream_write_checkpoint(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_REC_CHECKPOINT);
}

int stream_write_end(struct stream_writer *w)
{
	return write_empty(w, XEN_SR_REC_END);
}
