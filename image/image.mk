# The bootable image and its VM harnesses; included by the top Makefile. docs/image.md explains.
#   make image         $(IMAGE_DIR)/ceremony.iso, SHA256SUMS, MANIFEST
#   make image-debug   $(IMAGE_DIR)/debug/ceremony-debug.iso: with a root shell boot entry
#   make check-image   build it twice and compare, check the contents, boot it (BIOS and UEFI)
#   make rehearsal     the SMKI key-generation ceremony in a VM, verified: GO or NO-GO
#   make rehearsal-lifecycle  every SMKI ceremony, one boot each, media carried: GO or NO-GO
#   make image-lock    image/packages.lock rewritten from this machine's packages
#   make bench-image   boot time figures
# RELEASE=1 (make image RELEASE=1): exactly the packages of image/packages.lock, or no image.

IMAGE_DIR    ?= $(BUILD)/image
IMAGE_ISO    := $(IMAGE_DIR)/ceremony.iso
IMAGE_INPUTS := image/build.sh image/init image/grub.cfg image/grub-debug.cfg image/applets \
                image/applets.debug image/modules $(wildcard scripts/*.yaml)
IMAGE_INPUTS += image/packages.lock
IMAGE_ENV     = VERSION=$(VERSION) CEREMONY_BIN=$(BIN) \
                $(if $(IMAGE_CACHE),IMAGE_CACHE=$(IMAGE_CACHE))
RELEASE      ?=
IMAGE_MODE    = $(if $(RELEASE),--release)

.PHONY: image image-debug image-deps image-lock check-image rehearsal rehearsal-lifecycle \
        bench-image

image-deps:
	@$(DEPS) image

# A release build always builds afresh: make cannot see what apt serves today.
image: image-deps
	@$(MAKE) --no-print-directory $(BIN) $(if $(RELEASE),image-release,$(IMAGE_ISO))

$(IMAGE_ISO): $(BIN) $(IMAGE_INPUTS)
	@$(IMAGE_ENV) image/build.sh $(IMAGE_DIR)

.PHONY: image-release
image-release: $(BIN)
	@$(IMAGE_ENV) image/build.sh --release $(IMAGE_DIR)

# The lock follows this machine's packages (after apt-get update && apt-get upgrade, say); the
# differences are printed, and the new lock is a change to review and commit.
image-lock: image-deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(IMAGE_ENV) image/build.sh --refresh-lock $(IMAGE_DIR)

image-debug: image-deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(IMAGE_ENV) image/build.sh --debug $(IMAGE_DIR)/debug

check-image: image-deps
	@$(MAKE) --no-print-directory $(BIN)
	@$(IMAGE_ENV) CEREMONY_CC="$(CC)" CEREMONY_CFLAGS="$(CFLAGS)" image/check.sh $(IMAGE_DIR)

# The clock starts before the build: the figure is what `make rehearsal` costs. The program is
# compiled on every core unless make was given -j already (a clean tree's build is a third of it).
IMAGE_JOBS = $(if $(filter -j% j%,$(MAKEFLAGS)),,-j$$(nproc))
rehearsal: image-deps
	@t0=$$(date +%s.%N); $(MAKE) --no-print-directory $(IMAGE_JOBS) $(BIN) $(IMAGE_ISO) && \
	  REHEARSAL_T0=$$t0 scripts/rehearse --iso $(IMAGE_ISO) --ceremony $(BIN)

# The same image booted once per ceremony of the SMKI key life (scripts/rehearse-lifecycle).
rehearsal-lifecycle: image-deps
	@$(MAKE) --no-print-directory $(IMAGE_JOBS) $(BIN) $(IMAGE_ISO) && \
	  scripts/rehearse-lifecycle --iso $(IMAGE_ISO) --ceremony $(BIN)

bench-image: image
	@image/bench.sh $(IMAGE_ISO)
