/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * zkasic: PCIe adapter for the zkasic ZK-proof accelerator model
 *
 * The device itself (registers, queues, device MMU, engines, telemetry)
 * lives in emulator/core as plain C; this file only connects it to QEMU:
 * BAR0 accesses go to the core, the core's worker threads reach guest
 * memory through the device's bus-master address space, and their
 * completion notifications become MSI-X messages from a bottom half.
 *
 * Locking: the core's worker threads never take the BQL. Their DMA goes
 * only to RAM (looked up through a MemoryRegionCache, so there is no MMIO
 * dispatch that would need the BQL); DMA aimed at anything else fails and
 * the command completes with DMA_ERROR. Register accesses run under the
 * BQL and take the core's mutex; the core never calls back into QEMU with
 * that mutex held, except for the clock.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "hw/resettable.h"
#include "migration/vmstate.h"
#include "qom/object.h"

#include <linux/types.h>

#include "zkasic_hw.h"
#include "zkasic_core.h"

#define TYPE_ZKASIC "zkasic"
OBJECT_DECLARE_SIMPLE_TYPE(ZkasicState, ZKASIC)

#define ZKASIC_PCIE_CAP_OFFSET 0x80

struct ZkasicState {
    PCIDevice parent_obj;

    MemoryRegion mmio;
    QEMUBH *irq_bh;
    struct zkasic_dev *core;

    /* Properties */
    char *sku;
    uint64_t devmem_size;
    bool fault_injection;
    uint32_t engine_threads;
};

static uint64_t zkasic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    ZkasicState *s = opaque;

    return zkasic_reg_read(s->core, addr, size);
}

static void zkasic_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                              unsigned size)
{
    ZkasicState *s = opaque;

    zkasic_reg_write(s->core, addr, val, size);
}

/*
 * All widths reach the core, which implements the datasheet rule that
 * accesses other than aligned 32/64-bit ones read 0 and are ignored.
 */
static const MemoryRegionOps zkasic_mmio_ops = {
    .read = zkasic_mmio_read,
    .write = zkasic_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
    .impl = {
        .min_access_size = 1,
        .max_access_size = 8,
        .unaligned = true,
    },
};

/*
 * Map the RAM at @addr in address space @as for up to @len bytes.
 * Returns the number of bytes mapped (the cache must then be destroyed),
 * or 0 if @addr is not RAM that allows this access.
 */
static hwaddr zkasic_map_ram(MemoryRegionCache *cache, AddressSpace *as,
                             hwaddr addr, hwaddr len, bool is_write)
{
    int64_t mapped = address_space_cache_init(cache, as, addr, len, is_write);

    if (mapped <= 0 || !cache->ptr) {
        address_space_cache_destroy(cache);
        return 0;
    }
    return mapped;
}

/*
 * DMA from a worker thread, without the BQL. Fast path: the bus-master
 * address space maps RAM directly. Behind a vIOMMU, translate first and
 * map the target address space's RAM, one IOMMU page at a time.
 */
static int zkasic_dma(ZkasicState *s, uint64_t addr, void *buf, size_t len,
                      bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    uint8_t *p = buf;

    while (len) {
        MemoryRegionCache cache;
        hwaddr chunk = zkasic_map_ram(&cache, as, addr, len, is_write);

        if (!chunk) {
            IOMMUTLBEntry iotlb;
            hwaddr in_page, gpa, page_left;

            WITH_RCU_READ_LOCK_GUARD() {
                iotlb = address_space_get_iotlb_entry(as, addr, is_write,
                                                      MEMTXATTRS_UNSPECIFIED);
            }
            if (!iotlb.target_as ||
                !(iotlb.perm & (is_write ? IOMMU_WO : IOMMU_RO))) {
                return -1;
            }
            in_page = addr & iotlb.addr_mask;
            gpa = (iotlb.translated_addr & ~iotlb.addr_mask) | in_page;
            page_left = iotlb.addr_mask - in_page + 1;
            if (page_left == 0 || page_left > len) {
                page_left = len;
            }
            chunk = zkasic_map_ram(&cache, iotlb.target_as, gpa, page_left,
                                   is_write);
            if (!chunk) {
                return -1;
            }
        }
        if (chunk > len) {
            chunk = len;
        }
        if (is_write) {
            address_space_write_cached(&cache, 0, p, chunk);
            address_space_cache_invalidate(&cache, 0, chunk);
        } else {
            address_space_read_cached(&cache, 0, p, chunk);
        }
        address_space_cache_destroy(&cache);
        p += chunk;
        addr += chunk;
        len -= chunk;
    }
    return 0;
}

static int zkasic_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    return zkasic_dma(opaque, addr, buf, len, false);
}

static int zkasic_dma_write(void *opaque, uint64_t addr, const void *buf,
                            size_t len)
{
    return zkasic_dma(opaque, addr, (void *)buf, len, true);
}

/* From a worker thread: the bottom half sends the vectors. */
static void zkasic_notify(void *opaque, unsigned int queue)
{
    ZkasicState *s = opaque;

    qemu_bh_schedule(s->irq_bh);
}

static uint64_t zkasic_clock_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/*
 * The device latched an error the guest caused (a bad ring, doorbell or
 * command; a fault): `-d guest_errors` shows it. From a worker thread with
 * the core's mutex held; qemu_log_mask takes no lock of ours.
 */
static void zkasic_guest_error(void *opaque, uint32_t status, const char *msg)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    qemu_log_mask(LOG_GUEST_ERROR, "%s %02x.%x: %s\n", pdev->name,
                  PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn), msg);
}

static const struct zkasic_host zkasic_host_ops = {
    .dma_read = zkasic_dma_read,
    .dma_write = zkasic_dma_write,
    .notify = zkasic_notify,
    .clock_ns = zkasic_clock_ns,
    .guest_error = zkasic_guest_error,
};

/* Main loop, BQL held: one MSI-X message per queue with news. */
static void zkasic_irq_bh(void *opaque)
{
    ZkasicState *s = opaque;
    PCIDevice *pdev = PCI_DEVICE(s);
    uint32_t pending = zkasic_irq_take(s->core);
    unsigned int nvec = msix_nr_vectors_allocated(pdev);
    unsigned int q;

    if (!msix_enabled(pdev)) {
        return;
    }
    for (q = 0; q < 32 && q < nvec; q++) {
        if (pending & (1U << q)) {
            msix_notify(pdev, q);
        }
    }
}

static void zkasic_realize(PCIDevice *pdev, Error **errp)
{
    ZkasicState *s = ZKASIC(pdev);
    struct zkasic_config cfg = {
        .devmem_size = s->devmem_size,
        .fault_injection = s->fault_injection,
        .engine_threads = s->engine_threads,
    };
    unsigned int q, nqueues;
    char err[256];
    int sku;

    sku = zkasic_sku_from_name(s->sku ? s->sku : ZKASIC_SKU_NAME_AIR);
    if (sku < 0) {
        error_setg(errp, "zkasic: sku must be '%s' or '%s', not '%s'",
                   ZKASIC_SKU_NAME_AIR, ZKASIC_SKU_NAME_PRO, s->sku);
        return;
    }
    cfg.sku = sku;
    if (s->devmem_size % ZKASIC_PAGE_SIZE) {
        error_setg(errp, "zkasic: devmem-size must be a multiple of 4 KiB");
        return;
    }

    pdev->config[PCI_INTERRUPT_PIN] = 0;    /* MSI-X only, no INTx */
    memory_region_init_io(&s->mmio, OBJECT(s), &zkasic_mmio_ops, s,
                          "zkasic-regs", ZKASIC_BAR_REGS_SIZE);
    pci_register_bar(pdev, ZKASIC_BAR_REGS,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);

    if (pcie_endpoint_cap_init(pdev, ZKASIC_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "zkasic: cannot add the PCIe capability");
        return;
    }
    pcie_cap_flr_init(pdev);

    s->irq_bh = qemu_bh_new_guarded(zkasic_irq_bh, s,
                                    &DEVICE(pdev)->mem_reentrancy_guard);
    s->core = zkasic_create(&cfg, &zkasic_host_ops, s, err, sizeof(err));
    if (!s->core) {
        error_setg(errp, "zkasic: %s", err);
        goto fail_bh;
    }

    nqueues = zkasic_num_queues(s->core);
    if (msix_init_exclusive_bar(pdev, nqueues, ZKASIC_BAR_MSIX, errp)) {
        goto fail_core;
    }
    for (q = 0; q < nqueues; q++) {
        msix_vector_use(pdev, q);
    }
    return;

fail_core:
    zkasic_destroy(s->core);
    s->core = NULL;
fail_bh:
    qemu_bh_delete(s->irq_bh);
    s->irq_bh = NULL;
}

static void zkasic_exit(PCIDevice *pdev)
{
    ZkasicState *s = ZKASIC(pdev);

    /* Joins the worker threads: no notification can follow. */
    zkasic_destroy(s->core);
    s->core = NULL;
    qemu_bh_delete(s->irq_bh);
    s->irq_bh = NULL;
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
}

static void zkasic_config_write(PCIDevice *pdev, uint32_t addr, uint32_t val,
                                int len)
{
    pci_default_write_config(pdev, addr, val, len);
    pcie_cap_flr_write_config(pdev, addr, val, len);    /* may reset us */
}

/* System reset, FLR and bus resets: the core aborts in-flight work. */
static void zkasic_reset_hold(Object *obj, ResetType type)
{
    ZkasicState *s = ZKASIC(obj);

    if (s->core) {
        zkasic_reset(s->core);
    }
}

static const Property zkasic_properties[] = {
    DEFINE_PROP_STRING("sku", ZkasicState, sku),
    DEFINE_PROP_SIZE("devmem-size", ZkasicState, devmem_size, 0),
    DEFINE_PROP_BOOL("fault-injection", ZkasicState, fault_injection, false),
    DEFINE_PROP_UINT32("engine-threads", ZkasicState, engine_threads, 0),
};

/* In-flight engine work lives in host threads: not migratable. */
static const VMStateDescription vmstate_zkasic = {
    .name = TYPE_ZKASIC,
    .unmigratable = 1,
};

static void zkasic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    k->realize = zkasic_realize;
    k->exit = zkasic_exit;
    k->config_write = zkasic_config_write;
    k->vendor_id = ZKASIC_PCI_VENDOR_ID;
    k->device_id = ZKASIC_PCI_DEVICE_ID;
    k->revision = ZKASIC_PCI_REVISION;
    k->subsystem_vendor_id = ZKASIC_PCI_VENDOR_ID;
    k->subsystem_id = ZKASIC_PCI_DEVICE_ID;
    k->class_id = ZKASIC_PCI_CLASS;
    rc->phases.hold = zkasic_reset_hold;
    dc->desc = "zkasic ZK-proof accelerator";
    dc->vmsd = &vmstate_zkasic;
    device_class_set_props(dc, zkasic_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo zkasic_info = {
    .name = TYPE_ZKASIC,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(ZkasicState),
    .class_init = zkasic_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void zkasic_register_types(void)
{
    type_register_static(&zkasic_info);
}

type_init(zkasic_register_types)
