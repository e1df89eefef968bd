#include "media/error.h"

static const char *const reasons[MEDIA_E_MAX] = {
    [MEDIA_OK] = "success",
    [MEDIA_E_NOMEM] = "out of memory",
    [MEDIA_E_ARG] = "invalid argument",
    [MEDIA_E_NAME] = "file name not allowed (letters, digits, '.', '_', '-'; no leading '.')",
    [MEDIA_E_EXISTS] = "file already exists (nothing is ever overwritten)",
    [MEDIA_E_NOENT] = "no such file",
    [MEDIA_E_NOSPACE] = "the medium is full",
    [MEDIA_E_IO] = "input/output error",
    [MEDIA_E_GONE] = "the medium went away (removed, or its device failed)",
    [MEDIA_E_READONLY] = "the medium is read-only",
    [MEDIA_E_READBACK] = "read-back differs from what was written",
    [MEDIA_E_TOOBIG] = "larger than allowed",
    [MEDIA_E_MANIFEST] = "SHA256SUMS is malformed",
    [MEDIA_E_MISMATCH] = "SHA-256 differs from SHA256SUMS",
    [MEDIA_E_UNLISTED] = "file not listed in SHA256SUMS",
    [MEDIA_E_MISSING] = "file listed in SHA256SUMS is missing",
    [MEDIA_E_INCOMPLETE] = "unfinished write (temporary file) on the medium",
    [MEDIA_E_NOTDIR] = "not a directory",
    [MEDIA_E_DEVICE] = "not a usable block device",
    [MEDIA_E_FSTYPE] = "no supported file system (vfat, ext4, iso9660)",
    [MEDIA_E_MOUNT] = "mount failed",
    [MEDIA_E_BUSY] = "medium busy: not safe to remove",
    [MEDIA_E_PERM] = "permission denied",
    [MEDIA_E_QR_ENCODE] = "QR encoding failed",
    [MEDIA_E_QR_CAPACITY] = "payload too large for one QR code (use UR)",
    [MEDIA_E_LOOPBACK] = "QR loopback check failed: the code does not decode to the payload",
    [MEDIA_E_IMAGE] = "malformed or unsupported image",
    [MEDIA_E_NO_QR] = "no QR code found",
    [MEDIA_E_CAMERA] = "camera failed",
    [MEDIA_E_TIMEOUT] = "timed out before a complete payload was decoded",
    [MEDIA_E_BYTEWORDS] = "malformed bytewords or bytewords checksum mismatch",
    [MEDIA_E_CBOR] = "malformed or non-canonical CBOR",
    [MEDIA_E_UR] = "malformed UR",
    [MEDIA_E_UR_TYPE] = "UR type is not 'bytes'",
    [MEDIA_E_UR_MIXED] = "UR part belongs to a different message",
    [MEDIA_E_UR_CHECKSUM] = "reassembled UR message fails its CRC-32",
    [MEDIA_E_MULTIPLE] = "more than one different payload",
    [MEDIA_E_PAYLOAD_EMPTY] = "empty payload",
    [MEDIA_E_PAYLOAD_DER] = "malformed DER (length, trailing bytes or non-DER encoding)",
    [MEDIA_E_PAYLOAD_PEM] = "malformed PEM (armour, base64 or trailing text)",
    [MEDIA_E_PAYLOAD_LABEL] = "PEM label not accepted or not matching its content",
    [MEDIA_E_PAYLOAD_SHARE] = "words, but not shaped like a SLIP-39 share",
    [MEDIA_E_PAYLOAD_UNKNOWN] = "not a certificate, CSR, CRL, SLIP-39 share or UR part",
    [MEDIA_E_NOTREG] = "not a regular file (a symbolic link, directory or device is refused)",
    [MEDIA_E_MANIFEST_NOTREG] = "SHA256SUMS is not a regular file (a link, directory or device)",
};

const char *media_strerror(enum media_err code)
{
	if (code < 0 || code >= MEDIA_E_MAX || reasons[code] == 0)
		return "unknown error";
	return reasons[code];
}
