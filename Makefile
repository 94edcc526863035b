# SPDX-License-Identifier: GPL-2.0
#
#   make                 module (against KDIR) + vmxscope CLI
#   make check           host unit tests + the emulated VT-x test suite
#   make demo            boot the emulated machine and show vmxscope at work
#   make stress          the robustness tests, longer, on 4 CPUs
#   make bench           benchmarks in the emulated machine: build/bench/results.json
#   make mutants         break vmxscope on purpose, one way at a time: is each caught?
#   make clean
#   make clean-cache     drop the downloads and unpacked packages (VMXSCOPE_CACHE)
#
# KDIR defaults to the running kernel's build directory.

KDIR	?= /lib/modules/$(shell uname -r)/build
V	?= 0
VM	:= tools/testing/vm

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

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || \
		rm -rf *.o *.ko *.mod *.mod.c .*.cmd src/*.o src/.*.cmd arch/x86/vmx/*.o \
		       arch/x86/vmx/.*.cmd Module.symvers modules.order .tmp_versions
	$(MAKE) -C tools/vmxscope clean
	$(MAKE) -C tools/testing/unit clean
	$(MAKE) -C selftests clean
	$(MAKE) -C tools/testing/bench clean
	rm -rf build

# What prepare.sh keeps between runs (about 50 MB): the kernel image and
# modules it boots, the guest's tools, kselftest headers.
# Not part of check: one boot per mutant (tools/testing/mutants/).
mutants:
	tools/testing/mutants/run.sh $(MUTANTS)

clean-cache:
	rm -rf "$${VMXSCOPE_CACHE:-/var/cache/vmxscope}"

.PHONY: all module tools unit checkpatch check demo stress bench mutants clean clean-cache
