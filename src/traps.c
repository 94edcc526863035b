// SPDX-License-Identifier: GPL-2.0
/*
 * Traps and their owners.  Each open file of /dev/vmxscope owns the traps it
 * set; VMXSCOPE_TRAP_PERSIST ones belong to the module.  The traps in force
 * are the union over all owners, rebuilt and pushed to every CPU on each
 * change (arch/x86/vmx/trap.c), so shared traps last until their last
 * owner lets go.  Every refusal is an errno and a rate-limited dmesg line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/trapnr.h>

#include <vmxscope/mem_traps.h>
#include <vmxscope/traps.h>
#include <vmxscope/vmxscope.h>

struct trap {
	struct list_head node;
	u32 kind;		/* VMXSCOPE_KIND_* */
	u32 first, last;	/* MSRs, ports, or the vector twice */
	u32 flags;		/* VMXSCOPE_TRAP_READ/WRITE/EXEC */
	u32 pfec_mask, pfec_match;
	/* Memory: the request, its id, and its pinned pages (mem_traps.c). */
	u64 addr, len;
	u32 space, id;
	struct vmxscope_mem_piece *pieces;
	unsigned int nr_pieces;
};

static DEFINE_MUTEX(traps_lock);
static u32 next_mem_id = 1;
static LIST_HEAD(owners);
static struct vmxscope_owner persistent = {
	.traps = LIST_HEAD_INIT(persistent.traps),
	.node = LIST_HEAD_INIT(persistent.node),
};

#define refuse(err, fmt, ...) ({					\
	pr_info_ratelimited("refused (%s): " fmt "\n", #err, ##__VA_ARGS__); \
	-(err);								\
})

static bool reserved_clear(const u32 *r, unsigned int n)
{
	while (n--)
		if (r[n])
			return false;
	return true;
}

/* The pieces of every memory trap, as root looks them up; NULL if none. */
static struct vmxscope_mem_range *mem_ranges(unsigned int *nr)
{
	struct vmxscope_mem_range *r;
	struct vmxscope_owner *o;
	unsigned int n = 0, i;
	struct trap *t;

	list_for_each_entry(o, &owners, node)
		list_for_each_entry(t, &o->traps, node)
			n += t->nr_pieces;
	*nr = 0;
	if (!n)
		return NULL;
	r = kcalloc(n, sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	list_for_each_entry(o, &owners, node)
		list_for_each_entry(t, &o->traps, node)
			for (i = 0; i < t->nr_pieces; i++)
				r[(*nr)++] = (struct vmxscope_mem_range){
					.first = t->pieces[i].first,
					.last = t->pieces[i].last,
					.id = t->id, .flags = t->flags,
				};
	return r;
}

/*
 * Rebuilds the wanted traps from every owner and has every CPU take them;
 * caller holds traps_lock.  Fails only for memory traps (no memory, too
 * many pages), leaving the CPUs as they were.
 */
static int push_traps(void)
{
	struct vmxscope_mem_range *mem;
	struct vmxscope_owner *o;
	unsigned int nr_mem;
	struct trap *t;
	int ret;

	mem = mem_ranges(&nr_mem);
	if (IS_ERR(mem))
		return PTR_ERR(mem);
	if (vmxscope_mem_ranges_sort(mem, nr_mem)) {
		kfree(mem);
		return refuse(ENOSPC, "memory traps would watch more than %u pages",
			      VMXSCOPE_MAX_MEM_PAGES);
	}
	cpus_read_lock();
	ret = vmxscope_want_mem(mem, nr_mem);
	if (ret)
		goto out;
	vmxscope_want_reset();
	list_for_each_entry(o, &owners, node) {
		list_for_each_entry(t, &o->traps, node) {
			bool r = t->flags & VMXSCOPE_TRAP_READ;
			bool w = t->flags & VMXSCOPE_TRAP_WRITE;

			if (t->kind == VMXSCOPE_KIND_MSR)
				vmxscope_want_msr(t->first, t->last, r, w);
			else if (t->kind == VMXSCOPE_KIND_IO)
				vmxscope_want_io(t->first, t->last, r, w);
			else if (t->kind == VMXSCOPE_KIND_EXC)
				vmxscope_want_exception(t->first, t->pfec_mask,
						      t->pfec_match);
		}
	}
	vmxscope_want_sync();
	vmxscope_want_mem_done();
out:
	cpus_read_unlock();
	return ret;
}

/* Only once no CPU can use its pages any more (after push_traps()). */
static void free_trap(struct trap *t)
{
	if (t->pieces)
		vmxscope_mem_unpin(t->pieces, t->nr_pieces);
	kfree(t);
}

static void free_list(struct list_head *l)
{
	struct trap *t, *n;

	list_for_each_entry_safe(t, n, l, node) {
		list_del(&t->node);
		free_trap(t);
	}
}

static struct trap *find(struct vmxscope_owner *o, const struct trap *k)
{
	struct trap *t;

	list_for_each_entry(t, &o->traps, node)
		if (t->kind == k->kind && t->first == k->first &&
		    t->last == k->last && t->flags == k->flags &&
		    t->pfec_mask == k->pfec_mask &&
		    t->pfec_match == k->pfec_match && t->addr == k->addr &&
		    t->len == k->len && t->space == k->space)
			return t;
	return NULL;
}

/* All #PF traps in force share the VMCS's one mask/match pair. */
static bool pfec_conflict(const struct trap *k)
{
	struct vmxscope_owner *o;
	struct trap *t;

	list_for_each_entry(o, &owners, node)
		list_for_each_entry(t, &o->traps, node)
			if (t->kind == VMXSCOPE_KIND_EXC && t->first == X86_TRAP_PF &&
			    (t->pfec_mask != k->pfec_mask ||
			     t->pfec_match != k->pfec_match))
				return true;
	return false;
}

/*
 * Adds or removes @k for @o; a memory trap's @k owns its pinned pages
 * (given up here if not kept).  Returns the trap's memory id on success.
 */
static int add_or_remove(struct vmxscope_owner *o, struct trap *k,
			 bool persist, bool add)
{
	struct trap *t;
	int ret = 0;

	if (persist)
		o = &persistent;
	mutex_lock(&traps_lock);
	t = find(o, k);
	if (add) {
		if (k->kind == VMXSCOPE_KIND_EXC && k->first == X86_TRAP_PF &&
		    pfec_conflict(k)) {
			ret = refuse(EBUSY, "#PF trap with another error-code mask/match in force");
			goto out;
		}
		if (t) {
			k->id = t->id;	/* already owned: nothing changes */
			goto out;
		}
		t = kmemdup(k, sizeof(*k), GFP_KERNEL);
		if (!t) {
			ret = -ENOMEM;
			goto out;
		}
		k->pieces = NULL;	/* now @t's */
		if (t->kind == VMXSCOPE_KIND_MEM)
			t->id = k->id = next_mem_id++;
		list_add_tail(&t->node, &o->traps);
		ret = push_traps();
		if (ret) {
			list_del(&t->node);
			free_trap(t);
		}
	} else {
		if (!t) {
			ret = refuse(ENOENT, "no such trap owned by the caller");
			goto out;
		}
		list_del(&t->node);
		/* Removing never allocates a page table: this cannot fail. */
		push_traps();
		free_trap(t);
	}
out:
	mutex_unlock(&traps_lock);
	if (k->pieces)
		vmxscope_mem_unpin(k->pieces, k->nr_pieces);
	return ret;
}

static int msr_trap(struct vmxscope_owner *o, void __user *arg, bool add)
{
	struct vmxscope_msr_trap u;
	struct trap k = { .kind = VMXSCOPE_KIND_MSR };

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!reserved_clear(u.reserved, ARRAY_SIZE(u.reserved)))
		return refuse(EINVAL, "reserved fields of an MSR trap not zero");
	if (u.flags & ~(VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE | VMXSCOPE_TRAP_PERSIST) ||
	    !(u.flags & (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE)))
		return refuse(EINVAL, "MSR trap flags %#x: need READ and/or WRITE", u.flags);
	if (u.first > u.last)
		return refuse(EINVAL, "MSR range %#x-%#x is reversed", u.first, u.last);
	if (!vmxscope_msr_in_bitmap(u.first) || !vmxscope_msr_in_bitmap(u.last) ||
	    (u.first < 0xc0000000U) != (u.last < 0xc0000000U))
		return refuse(ERANGE, "MSR range %#x-%#x: only 0-0x1fff and 0xc0000000-0xc0001fff can be chosen; all other MSRs exit unconditionally (SDM 25.1.3)",
			      u.first, u.last);
	k.first = u.first;
	k.last = u.last;
	k.flags = u.flags & (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE);
	return add_or_remove(o, &k, u.flags & VMXSCOPE_TRAP_PERSIST, add);
}

static int io_trap(struct vmxscope_owner *o, void __user *arg, bool add)
{
	struct vmxscope_io_trap u;
	struct trap k = { .kind = VMXSCOPE_KIND_IO };

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!reserved_clear(u.reserved, ARRAY_SIZE(u.reserved)))
		return refuse(EINVAL, "reserved fields of an I/O trap not zero");
	if (u.flags & ~(VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE | VMXSCOPE_TRAP_PERSIST) ||
	    !(u.flags & (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE)))
		return refuse(EINVAL, "I/O trap flags %#x: need READ (in) and/or WRITE (out)", u.flags);
	if (u.first > u.last || u.last > 0xffff)
		return refuse(EINVAL, "I/O port range %#x-%#x not within 0-0xffff", u.first, u.last);
	k.first = u.first;
	k.last = u.last;
	k.flags = u.flags & (VMXSCOPE_TRAP_READ | VMXSCOPE_TRAP_WRITE);
	return add_or_remove(o, &k, u.flags & VMXSCOPE_TRAP_PERSIST, add);
}

static int exc_trap(struct vmxscope_owner *o, void __user *arg, bool add)
{
	struct vmxscope_exc_trap u;
	struct trap k = { .kind = VMXSCOPE_KIND_EXC };

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!reserved_clear(u.reserved, ARRAY_SIZE(u.reserved)))
		return refuse(EINVAL, "reserved fields of an exception trap not zero");
	if (u.flags & ~VMXSCOPE_TRAP_PERSIST)
		return refuse(EINVAL, "exception trap flags %#x: only PERSIST", u.flags);
	if (u.vector > 31)
		return refuse(EINVAL, "vector %u is not an exception (0-31)", u.vector);
	if (u.vector == X86_TRAP_NMI)
		return refuse(EINVAL, "vector 2 is NMI, an interrupt: NMIs are not trapped via the exception bitmap");
	if (u.vector != X86_TRAP_PF && (u.pfec_mask || u.pfec_match))
		return refuse(EINVAL, "error-code mask/match only apply to #PF (14)");
	k.first = k.last = u.vector;
	k.pfec_mask = u.pfec_mask;
	k.pfec_match = u.pfec_match;
	return add_or_remove(o, &k, u.flags & VMXSCOPE_TRAP_PERSIST, add);
}

static int mem_trap(struct vmxscope_owner *o, void __user *arg, bool add)
{
	struct vmxscope_mem_trap u;
	struct trap k = { .kind = VMXSCOPE_KIND_MEM };
	int ret;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	ret = vmxscope_mem_resolve(&u, &k.pieces, &k.nr_pieces);
	if (ret)
		return ret;
	k.flags = u.flags & ~VMXSCOPE_TRAP_PERSIST;
	k.addr = u.addr;
	k.len = u.len;
	k.space = u.space;
	ret = add_or_remove(o, &k, u.flags & VMXSCOPE_TRAP_PERSIST, add);
	if (ret || !add)
		return ret;
	u.id = k.id;
	return copy_to_user(arg, &u, sizeof(u)) ? -EFAULT : 0;
}

static int clear_traps(struct vmxscope_owner *o, void __user *arg)
{
	struct vmxscope_clear_traps u;
	LIST_HEAD(gone);

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (!reserved_clear(u.reserved, ARRAY_SIZE(u.reserved)))
		return refuse(EINVAL, "reserved fields of clear-traps not zero");
	if (u.flags & ~VMXSCOPE_TRAP_PERSIST)
		return refuse(EINVAL, "clear-traps flags %#x: only PERSIST", u.flags);
	mutex_lock(&traps_lock);
	list_splice_init(&o->traps, &gone);
	if (u.flags & VMXSCOPE_TRAP_PERSIST)
		list_splice_init(&persistent.traps, &gone);
	push_traps();
	free_list(&gone);
	mutex_unlock(&traps_lock);
	return 0;
}

long vmxscope_traps_ioctl(struct vmxscope_owner *o, unsigned int cmd,
			void __user *arg)
{
	if (_IOC_TYPE(cmd) != VMXSCOPE_IOC_MAGIC || _IOC_NR(cmd) < 0x10 ||
	    _IOC_NR(cmd) > 0x18)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return refuse(EPERM, "trap changes need CAP_SYS_ADMIN");
	switch (cmd) {
	case VMXSCOPE_TRAP_MSR:
		return msr_trap(o, arg, true);
	case VMXSCOPE_UNTRAP_MSR:
		return msr_trap(o, arg, false);
	case VMXSCOPE_TRAP_IO:
		return io_trap(o, arg, true);
	case VMXSCOPE_UNTRAP_IO:
		return io_trap(o, arg, false);
	case VMXSCOPE_TRAP_EXC:
		return exc_trap(o, arg, true);
	case VMXSCOPE_UNTRAP_EXC:
		return exc_trap(o, arg, false);
	case VMXSCOPE_CLEAR_TRAPS:
		return clear_traps(o, arg);
	case VMXSCOPE_TRAP_MEM:
		return mem_trap(o, arg, true);
	case VMXSCOPE_UNTRAP_MEM:
		return mem_trap(o, arg, false);
	}
	return -ENOTTY;
}

/* Fills @out (up to @capacity) with every memory trap; returns how many. */
static unsigned int mem_list(struct vmxscope_mem_range_info *out,
			     unsigned int capacity)
{
	struct vmxscope_owner *o;
	unsigned int n = 0;
	struct trap *t;

	list_for_each_entry(o, &owners, node) {
		list_for_each_entry(t, &o->traps, node) {
			if (t->kind != VMXSCOPE_KIND_MEM)
				continue;
			if (n < capacity)
				out[n] = (struct vmxscope_mem_range_info){
					.id = t->id, .space = t->space,
					.flags = t->flags |
						(o == &persistent ? VMXSCOPE_TRAP_PERSIST : 0),
					.pages = t->nr_pieces, .addr = t->addr,
					.len = t->len, .phys = t->pieces[0].first,
				};
			n++;
		}
	}
	return n;
}

/* VMXSCOPE_GET_MEM_TRAPS (device.c checked the caller's capability). */
long vmxscope_mem_traps_ioctl(void __user *arg)
{
	struct vmxscope_mem_range_info *buf;
	struct vmxscope_mem_traps u;
	unsigned int cap;
	long ret = 0;

	if (copy_from_user(&u, arg, sizeof(u)))
		return -EFAULT;
	if (u.nr || memchr_inv(u.reserved, 0, sizeof(u.reserved)))
		return refuse(EINVAL, "reserved fields of get-mem-traps not zero");
	cap = min_t(u32, u.capacity, VMXSCOPE_MAX_MEM_PAGES);
	buf = kcalloc(max(cap, 1U), sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&traps_lock);
	u.nr = mem_list(buf, cap);
	mutex_unlock(&traps_lock);
	if (copy_to_user(u64_to_user_ptr(u.ranges), buf,
			 min(cap, u.nr) * sizeof(*buf)) ||
	    copy_to_user(arg, &u, sizeof(u)))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

void vmxscope_owner_init(struct vmxscope_owner *o)
{
	INIT_LIST_HEAD(&o->traps);
	mutex_lock(&traps_lock);
	list_add(&o->node, &owners);
	mutex_unlock(&traps_lock);
}

/* The file is gone: its traps go, and every CPU stops trapping them. */
void vmxscope_owner_release(struct vmxscope_owner *o)
{
	LIST_HEAD(gone);

	mutex_lock(&traps_lock);
	list_del(&o->node);
	list_splice_init(&o->traps, &gone);
	if (!list_empty(&gone))
		push_traps();
	free_list(&gone);
	mutex_unlock(&traps_lock);
}

void vmxscope_traps_init(void)
{
	vmxscope_owner_init(&persistent);
}

/* At unload, after the device is gone: only persistent traps are left. */
void vmxscope_traps_exit(void)
{
	LIST_HEAD(gone);

	mutex_lock(&traps_lock);
	list_del(&persistent.node);
	list_splice_init(&persistent.traps, &gone);
	/* CPUs still run as guests: they stop watching before pages go. */
	if (!list_empty(&gone))
		push_traps();
	free_list(&gone);
	mutex_unlock(&traps_lock);
}
