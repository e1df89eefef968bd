/*
 * Error codes of the media library (QR out and in, UR, payloads, media, atomic writes). Every
 * function in media/ that can fail returns one of these; 0 is success. media_strerror() gives a
 * one-line, lower-case English reason that the CLI may show as is (it never holds data).
 */
#ifndef MEDIA_ERROR_H
#define MEDIA_ERROR_H

enum media_err {
	MEDIA_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	MEDIA_OK = 0,
	MEDIA_E_NOMEM,	     /* out of memory */
	MEDIA_E_ARG,	     /* invalid argument (a bug in the caller) */
	MEDIA_E_NAME,	     /* file name not allowed on a medium */
	MEDIA_E_EXISTS,	     /* the name already exists: nothing is ever overwritten */
	MEDIA_E_NOENT,	     /* no such file */
	MEDIA_E_NOSPACE,     /* the medium is full */
	MEDIA_E_IO,	     /* input/output error */
	MEDIA_E_GONE,	     /* the medium went away (removed, or its device failed) */
	MEDIA_E_READONLY,    /* the medium is open read-only, or mounted read-only */
	MEDIA_E_READBACK,    /* what was read back differs from what was written */
	MEDIA_E_TOOBIG,	     /* larger than the limit given */
	MEDIA_E_MANIFEST,    /* SHA256SUMS is malformed */
	MEDIA_E_MISMATCH,    /* a file's SHA-256 differs from SHA256SUMS */
	MEDIA_E_UNLISTED,    /* a file on the medium is not in SHA256SUMS */
	MEDIA_E_MISSING,     /* SHA256SUMS lists a file that is not on the medium */
	MEDIA_E_INCOMPLETE,  /* an unfinished write (a temporary file) is on the medium */
	MEDIA_E_NOTDIR,	     /* not a directory (or a symbolic link) */
	MEDIA_E_DEVICE,	     /* not a usable block device */
	MEDIA_E_FSTYPE,	     /* no supported file system (vfat, ext4, iso9660) found */
	MEDIA_E_MOUNT,	     /* mount failed */
	MEDIA_E_BUSY,	     /* unmount failed: the medium is busy; not safe to remove */
	MEDIA_E_PERM,	     /* permission denied (mounting needs root) */
	MEDIA_E_QR_ENCODE,   /* libqrencode could not encode the payload */
	MEDIA_E_QR_CAPACITY, /* the payload does not fit one QR code at this level: use UR */
	MEDIA_E_LOOPBACK,    /* the QR code just made did not decode back to the payload */
	MEDIA_E_IMAGE,	     /* the image file is malformed or of an unsupported kind */
	MEDIA_E_NO_QR,	     /* no QR code found */
	MEDIA_E_CAMERA,	     /* the camera could not be opened or stopped working */
	MEDIA_E_TIMEOUT,     /* nothing complete was decoded before the timeout */
	MEDIA_E_BYTEWORDS,   /* malformed bytewords, or bytewords checksum mismatch */
	MEDIA_E_CBOR,	     /* malformed or non-canonical CBOR */
	MEDIA_E_UR,	     /* malformed UR */
	MEDIA_E_UR_TYPE,     /* UR type other than "bytes" */
	MEDIA_E_UR_MIXED,    /* a part does not belong to the same message as the first one */
	MEDIA_E_UR_CHECKSUM, /* the reassembled message fails its CRC-32 */
	MEDIA_E_MULTIPLE,    /* several different payloads seen where one was expected */
	MEDIA_E_PAYLOAD_EMPTY,
	MEDIA_E_PAYLOAD_DER,	 /* malformed DER (bad length, trailing bytes, BER) */
	MEDIA_E_PAYLOAD_PEM,	 /* malformed PEM (armour, base64, trailing text) */
	MEDIA_E_PAYLOAD_LABEL,	 /* a PEM label that is not accepted, or does not match the DER */
	MEDIA_E_PAYLOAD_SHARE,	 /* words, but not shaped like a SLIP-39 share */
	MEDIA_E_PAYLOAD_UNKNOWN, /* not a certificate, CSR, CRL, share or UR part */
	MEDIA_E_NOTREG,		 /* a symbolic link, directory or device where a file should be */
	MEDIA_E_MANIFEST_NOTREG, /* the same where SHA256SUMS should be: named as the manifest */
	MEDIA_E_MAX
};

/* A one-line reason for code; never NULL. */
const char *media_strerror(enum media_err code);

#endif
