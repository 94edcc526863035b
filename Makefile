# SPDX-License-Identifier: GPL-2.0
#
#   make                 module (against KDIR) + vmxscope CLI
#   make check           host unit tests + the emulated VT-x test suite
#   make demo            boot the emulated machine and show vmxscope at work
#   make stress          the robustness tests, longer, on 4 CPUs
#   make bench           benchmarks in the emulated machine: build/bench/results.json
#   make mutants         break vmxscope on purpose, one way at a time: is each caught?
#   make check-matrix    the selftests on more CPU models, CPU counts, memory sizes
#   make clean
#   make clean-cache     drop the downloads and unpacked packages (VMXSCOPE_CACHE)
#   make install         module (for KDIR's kernel), CLI, man page, completion,
#                        header; DESTDIR= and PREFIX= (/usr/local) honoured
#   make uninstall       what install installed
#   make install-dkms    the module's source in /usr/src/vmxscope-VERSION for DKMS
#   make deb             vmxscope-dkms and vmxscope-tools .debs in $(DEB_OUT)
#   make man             the vmxscope(8) man page, from Documentation/cli.rst
#   make sign KEY= CERT= sign vmxscope.ko with the kernel's sign-file
#
# KDIR defaults to the running kernel's build directory.  Installing is
# described in Documentation/install.rst.

KDIR	?= /lib/modules/$(shell uname -r)/build
V	?= 0
VM	:= tools/testing/vm
VERSION	:= $(shell cat VERSION)
# The release of KDIR's kernel, which modules_install installs for.
KVER	= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INCLUDEDIR ?= $(PREFIX)/include
MODDIR	?= updates
DKMSDIR	?= /usr/src/vmxscope-$(VERSION)
DEB_OUT	?= build/deb
MAN	:= build/man/vmxscope.8
UAPI	:= include/uapi/linux/vmxscope.h include/uapi/linux/vmxscope_vmcs.h
# What the DKMS source holds: what Kbuild reads, and the licence.
DKMS_SRC := Kbuild VERSION COPYING src arch include

all: module tools

module:
	@test -d "$(KDIR)" || { echo "vmxscope: no kernel build dir $(KDIR); install linux-headers-$$(uname -r) or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) V=$(V) modules

tools:
	$(MAKE) -C tools/vmxscope

unit:
	$(MAKE) -C tools/testing/unit run

checkpatch:
	tools/testing/checkpatch.sh

# Everything the VM suite needs is installed and built by the runner itself.
check:
	$(VM)/check.sh

demo:
	$(VM)/run-vm.sh --mode demo

# Heavier variants of the robustness tests: 100 load cycles under stress,
# a longer ioctl fuzz, on 4 CPUs.
stress:
	$(VM)/run-vm.sh --cpus 4 --timeout 5400 --stall 3600 --filter 'load_stress,ioctl_fuzz,hotplug,nmi' \
		--append 'vmxtest_cycles=100 vmxtest_fuzz_seconds=120'

# Measures, never judges: not part of check (Documentation/performance.rst).
bench:
	tools/testing/bench/run.sh $(BENCH_ARGS)

man: $(MAN)

# One source: cli.rst is the man page; the version is stamped in here.
$(MAN): Documentation/cli.rst VERSION
	@command -v rst2man >/dev/null || { echo "vmxscope: make man needs rst2man (apt install python3-docutils)" >&2; exit 1; }
	@mkdir -p $(@D)
	sed '/^:Manual group:/a :Version: $(VERSION)' $< | rst2man --strict >$@.tmp
	mv $@.tmp $@

install: install-module install-tools

# The kernel signs nothing here (CONFIG_MODULE_SIG_ALL's key is the
# distribution's): 'make sign' does, before installing.
install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(MODDIR) CONFIG_MODULE_SIG_ALL= modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

install-tools: tools $(MAN)
	install -D -m 0755 tools/vmxscope/vmxscope $(DESTDIR)$(SBINDIR)/vmxscope
	install -D -m 0644 $(MAN) $(DESTDIR)$(MANDIR)/man8/vmxscope.8
	install -D -m 0644 tools/vmxscope/vmxscope.bash \
		$(DESTDIR)$(COMPLETIONDIR)/vmxscope
	install -d $(DESTDIR)$(INCLUDEDIR)/linux
	install -m 0644 $(UAPI) $(DESTDIR)$(INCLUDEDIR)/linux/

install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)
	cp -R $(DKMS_SRC) $(DESTDIR)$(DKMSDIR)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf

uninstall:
	@test -n "$(KVER)" || { echo "vmxscope: no kernel release in $(KDIR); set KDIR=" >&2; exit 1; }
	rm -f $(DESTDIR)/lib/modules/$(KVER)/$(MODDIR)/vmxscope.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	rm -f $(DESTDIR)$(SBINDIR)/vmxscope $(DESTDIR)$(MANDIR)/man8/vmxscope.8 \
		$(DESTDIR)$(COMPLETIONDIR)/vmxscope \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/linux/,$(notdir $(UAPI)))

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMSDIR)

deb:
	tools/packaging/deb.sh $(DEB_OUT)

# Secure Boot: sign with a key enrolled as MOK (Documentation/install.rst).
SIGN_HASH = $(or $(shell sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null),sha256)
sign: module
	@test -n "$(KEY)" -a -n "$(CERT)" || { echo "vmxscope: usage: make sign KEY=key.pem CERT=cert.der" >&2; exit 2; }
	$(KDIR)/scripts/sign-file $(SIGN_HASH) $(KEY) $(CERT) vmxscope.ko

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -rf *.o *.ko *.mod *.mod.c .*.cmd src/*.o src/.*.cmd arch/x86/vmx/*.o \
		       arch/x86/vmx/.*.cmd Module.symvers modules.order .tmp_versions
	$(MAKE) -C tools/vmxscope clean
	$(MAKE) -C tools/testing/unit clean
	$(MAKE) -C selftests clean
	$(MAKE) -C tools/testing/bench clean
	rm -rf build

# Not part of check: hours of boots, one per cell (tools/testing/matrix/run.sh
# says which; MATRIX_MODELS, MATRIX_CPUS, MATRIX_MEMS choose others).
check-matrix:
	tools/testing/matrix/run.sh

# Not part of check: one boot per mutant (tools/testing/mutants/).
mutants:
	tools/testing/mutants/run.sh $(MUTANTS)

# What prepare.sh keeps between runs (about 50 MB): the kernel image and
# modules it boots, the guest's tools, kselftest headers.
clean-cache:
	rm -rf "$${VMXSCOPE_CACHE:-/var/cache/vmxscope}"

.PHONY: all module tools unit checkpatch check check-matrix demo stress bench mutants clean clean-cache \
	man install install-module install-tools install-dkms uninstall uninstall-dkms deb sign
