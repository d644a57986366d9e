#!/bin/sh
# Builds the QEMU test guest from Debian packages: the cloud kernel and a busybox
# initramfs with a shell on ttyS0, poweroff on the ACPI power button, the
# virtio balloon, network and block drivers. Cached: prints the directory and does
# nothing if this version of it is built (bump VERSION when the guest changes).
# Needs: apt-get (for `apt-get download`), busybox-static, gzip.
set -eu
OUT="${XEND_TEST_GUEST:-${HOME:-/root}/.cache/xend-test-guest}"
VERSION=3
if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initramfs.gz" ] && [ "$(cat "$OUT/version" 2>/dev/null)" = "$VERSION" ]; then echo "$OUT"; exit 0; fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
cd "$WORK"
PKG="$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/.*Depends: \(linux-image-[0-9].*-cloud-amd64\)$/\1/p' | head -n 1)"
[ -n "$PKG" ] || { echo "build-test-guest: cannot resolve linux-image-cloud-amd64 (run apt-get update)" >&2; exit 1; }
apt-get download "$PKG" >/dev/null
dpkg -x ./"$PKG"_*.deb kx
KVER="${PKG#linux-image-}"
R="$WORK/root"
mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/etc/acpi/PWRF" "$R/lib/modules" "$R/root"
cp "$(command -v busybox)" "$R/bin/busybox"
for m in drivers/acpi/button drivers/input/evdev drivers/virtio/virtio_ring drivers/virtio/virtio \
         drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci \
         drivers/virtio/virtio_balloon net/core/failover drivers/net/net_failover drivers/net/virtio_net drivers/block/virtio_blk; do
  f="kx/lib/modules/$KVER/kernel/$m.ko"
  [ -f "$f" ] && cp "$f" "$R/lib/modules/" || true
done
cat > "$R/etc/acpi/PWRF/00000080" <<'EOS'
#!/bin/sh
echo "xmguest: ACPI power button -> poweroff" > /dev/console
sync
poweroff -f
EOS
printf '#!/bin/busybox sh\necho "xmguest: orderly poweroff" > /dev/console\nexec /bin/busybox poweroff -f\n' > "$R/sbin/poweroff"
printf '#!/bin/busybox sh\necho "xmguest: orderly reboot" > /dev/console\nexec /bin/busybox reboot -f\n' > "$R/sbin/reboot"
chmod +x "$R/etc/acpi/PWRF/00000080" "$R/sbin/poweroff" "$R/sbin/reboot"
cat > "$R/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in button evdev virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_balloon failover net_failover virtio_net virtio_blk; do
  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null
done
acpid -c /etc/acpi -l /tmp/acpid.log
hostname xmguest
echo "XMGUEST-BANNER up after $(cut -d' ' -f1 /proc/uptime)s, $(grep MemTotal /proc/meminfo | tr -s ' ')"
while true; do
  setsid cttyhack sh -l
done
EOS
chmod +x "$R/init"
echo "export PS1='xmguest# '" > "$R/etc/profile"
(cd "$R" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null | gzip -9) > "$OUT/initramfs.gz"
cp "kx/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$VERSION" > "$OUT/version"
echo "$OUT"
