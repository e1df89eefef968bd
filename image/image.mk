# The bootable image and its VM harnesses; included by the top Makefile. docs/image.md explains.
#   make image         $(IMAGE_DIR)/ceremony.iso, SHA256SUMS, MANIFEST
#   make image-debug   $(IMAGE_DIR)/debug/ceremony-debug.iso: with a root shell boot entry
#   make check-image   build it twice and compare, check the contents, boot it (BIOS and UEFI)
#   make rehearsal     the SMKI key-generation ceremony in a VM, verified: GO or NO-GO
#   make bench-image   boot time figures

IMAGE_DIR    ?= $(BUILD)/image
IMAGE_ISO    := $(IMAGE_DIR)/ceremony.iso
IMAGE_INPUTS := image/build.sh image/init image/grub.cfg image/grub-debug.cfg image/applets \
                image/applets.debug image/modules $(wildcard scripts/*.yaml)
IMAGE_ENV     = VERSION=$(VERSION) CEREMONY_BIN=$(BIN) IMAGE_CACHE=$(IMAGE_DIR)/cache

.PHONY: image image-debug image-deps check-image rehearsal bench-image

image-deps:
	@$(DEPS) image

image: image-deps
	@$(MAKE) --no-print-directory $(BIN) $(IMAGE_ISO)

$(IMAGE_ISO): $(BIN) $(IMAGE_INPUTS)
	@$(IMAGE_ENV) image/build.sh $(IMAGE_DIR)

image-debug: image-deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(IMAGE_ENV) image/build.sh --debug $(IMAGE_DIR)/debug

check-image: image-deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(IMAGE_ENV) CEREMONY_CC="$(CC)" CEREMONY_CFLAGS="$(CFLAGS)" image/check.sh $(IMAGE_DIR)

# The clock starts before the build: the figure is what `make rehearsal` costs.
rehearsal: image-deps
	@t0=$$(date +%s.%N); $(MAKE) --no-print-directory $(BIN) $(IMAGE_ISO) && \
	  REHEARSAL_T0=$$t0 scripts/rehearse --iso $(IMAGE_ISO) --ceremony $(BIN)

bench-image: image
	@image/bench.sh $(IMAGE_ISO)
