#!/bin/sh
# Builds the Xen test lane: Xen 4.17 with a PV dom0 that boots under QEMU (TCG), from
# Debian bookworm packages, with node and this project in dom0, and a test guest.
# Prints the lane's directory on stdout (its files: see "Output" below); exits non-zero
# with the reason on stderr when it cannot build (no QEMU, no packages, no network).
#
# Cached in layers: the Debian part (Xen, kernels, xl and its libraries, busybox, the
# guest) keyed by the packages' versions; node keyed by its version; the project (bin/,
# dist/, package.json) rebuilt only when those files change.
# Needs: apt-get/apt-cache/dpkg (Debian), busybox (static), gzip, qemu-system-x86_64 to boot it.
#
# Output ($OUT): xen (the hypervisor, multiboot ELF), dom0-vmlinuz, dom0-initrd.gz (base +
# node + project archives concatenated: Linux unpacks each), guest-vmlinuz,
# guest-initramfs.gz (also in dom0 at /var/lib/xen/images/), manifest (versions).
set -eu
REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${XEND_XEN_LANE:-${HOME:-/root}/.cache/xend-xen-lane}"
OUT="$CACHE/lane"
VERSION=5  # bump when the base layer's contents change
XEN_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common xenstore-utils libxenmisc4.17 libxencall1
  libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenstore4 libxentoollog1
  libxentoolcore1 libyajl2"
# dom0 modules (and what they need, from modules.dep): Xen back ends, virtio (9p, the agent's port), e1000 (user net)
DOM0_MODULES="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc xen-blkback xen-netback loop bridge virtio_pci
  virtio_console 9pnet_virtio 9p e1000"

die() { echo "build-xen-lane: $*" >&2; exit 1; }
log() { echo "build-xen-lane: $*" >&2; }

command -v apt-get >/dev/null && command -v dpkg >/dev/null || die "needs a Debian host (apt-get, dpkg)"
command -v busybox >/dev/null || die "needs busybox (apt-get install busybox-static)"
busybox --list | grep -qx cpio || die "busybox has no cpio applet (install busybox-static)"
[ -d "$REPO/dist" ] && [ -f "$REPO/dist/xend.mjs" ] || die "the project is not built (node scripts/build.mjs)"
NODE="$(command -v node)" || die "node is not on PATH"
NODE="$(readlink -f "$NODE")"

# The kernel packages linux-image-amd64 / -cloud-amd64 point at (the dom0 and the guest kernel).
kernel_pkg() { apt-cache depends "$1" 2>/dev/null | sed -n "s/.*Depends: \(linux-image-[0-9].*-$2\)\$/\1/p" | head -n 1; }
candidate() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true; }
resolve() {
  KPKG="$(kernel_pkg linux-image-amd64 amd64)"
  CPKG="$(kernel_pkg linux-image-cloud-amd64 cloud-amd64)"
  XENV="$(candidate xen-hypervisor-4.17-amd64)"
}
resolve
if { [ -z "$KPKG" ] || [ -z "$CPKG" ] || [ -z "$XENV" ]; } && [ "$(id -u)" = 0 ]; then
  log "package lists lack Xen 4.17 or the kernels: apt-get update"
  apt-get update -qq >&2 || true
  resolve
fi
[ -n "$KPKG" ] && [ -n "$CPKG" ] && [ -n "$XENV" ] || die "apt cannot find xen-hypervisor-4.17-amd64 and the Debian kernels (a Debian 12 host with bookworm sources, after apt-get update)"
KVER="${KPKG#linux-image-}"
CVER="${CPKG#linux-image-}"
PKGS_KEY="xen$XENV-$KVER$(candidate "$KPKG")-$CVER$(candidate "$CPKG")"
DEBS="$CACHE/debs-$(printf '%s' "$PKGS_KEY" | sha256sum | cut -c1-16)"
BASE="$CACHE/base-$(printf '%s' "v$VERSION-$PKGS_KEY-$(busybox | head -n 1)" | sha256sum | cut -c1-16)"
mkdir -p "$OUT"

build_base() {
  W="$(mktemp -d "$CACHE/work.XXXXXX")"
  trap 'rm -rf "$W"' EXIT
  if [ ! -f "$DEBS/complete" ]; then
    log "downloading Xen $XENV, $KPKG, $CPKG"
    rm -rf "$DEBS"; mkdir -p "$DEBS"
    # shellcheck disable=SC2086
    (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root $XEN_PKGS "$KPKG" "$CPKG" >&2) || die "apt-get download failed (no network, or stale package lists: apt-get update)"
    touch "$DEBS/complete"
  fi
  R="$W/dom0"
  mkdir -p "$R"
  for d in "$DEBS"/xen*.deb "$DEBS"/lib*.deb; do dpkg -x "$d" "$R"; done
  dpkg -x "$DEBS"/"$KPKG"_*.deb "$W/kgen"
  dpkg -x "$DEBS"/"$CPKG"_*.deb "$W/kcloud"
  mkdir -p "$BASE.new"
  zcat "$R/boot/xen-4.17-amd64.gz" > "$BASE.new/xen"
  cp "$W/kgen/boot/vmlinuz-$KVER" "$BASE.new/dom0-vmlinuz"
  cp "$W/kcloud/boot/vmlinuz-$CVER" "$BASE.new/guest-vmlinuz"
  build_guest "$W" > "$BASE.new/guest-initramfs.gz"
  build_dom0 "$W" "$R" > "$BASE.new/dom0-base.gz"
  echo "xen=$XENV dom0-kernel=$KPKG guest-kernel=$CPKG" > "$BASE.new/manifest"
  rm -rf "$BASE"
  mv "$BASE.new" "$BASE"
  # Older versions of the layers are not used again.
  for old in "$CACHE"/base-* "$CACHE"/debs-*; do [ "$old" = "$BASE" ] || [ "$old" = "$DEBS" ] || rm -rf "$old"; done
  rm -rf "$W"
  trap - EXIT
}

cpio_gz() { (cd "$1" && find . | busybox cpio -o -H newc -R 0:0 2>/dev/null | gzip -"${2:-6}"); }

# Copies the named modules and those they depend on (modules.dep) into $2, for busybox modprobe.
copy_modules() {
  src="$1/lib/modules/$3"; dst="$2/lib/modules/$3"
  mkdir -p "$dst"
  [ -f "$src/modules.dep" ] || busybox depmod -b "$1" "$3"
  for m in $4; do
    path="$(grep -E "(^|/)$(echo "$m" | sed 's/[-_]/[-_]/g')\.ko(\.[a-z]+)?:" "$src/modules.dep" | head -n 1)"
    [ -n "$path" ] || { log "module $m: built in"; continue; }
    for f in $(echo "$path" | tr -d ':'); do mkdir -p "$dst/$(dirname "$f")"; cp "$src/$f" "$dst/$f"; done
  done
  cp "$src/modules.dep" "$dst/"
}

# The test guest: the cloud kernel's PV/PVH-capable initramfs, a shell on hvc0, a banner line.
build_guest() {
  G="$1/guest"
  mkdir -p "$G/bin" "$G/sbin" "$G/proc" "$G/sys" "$G/dev" "$G/tmp" "$G/root" "$G/etc"
  cp "$(command -v busybox)" "$G/bin/busybox"
  copy_modules "$1/kcloud" "$G" "$CVER" "xen-blkfront xen-netfront"
  printf '#!/bin/busybox sh\necho "xmguest: orderly poweroff" > /dev/console\nexec /bin/busybox poweroff -f\n' > "$G/sbin/poweroff"
  printf '#!/bin/busybox sh\necho "xmguest: orderly reboot" > /dev/console\nexec /bin/busybox reboot -f\n' > "$G/sbin/reboot"
  cat > "$G/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in xen-blkfront xen-netfront; do modprobe $m 2>/dev/null; done
hostname xmguest
echo "XMGUEST-BANNER up after $(cut -d' ' -f1 /proc/uptime)s, $(grep MemTotal /proc/meminfo | tr -s ' ')"
while true; do setsid cttyhack sh -l; done
EOS
  echo "export PS1='xmguest# '" > "$G/etc/profile"
  chmod +x "$G/init" "$G/sbin/poweroff" "$G/sbin/reboot"
  cpio_gz "$G" 9
}

# Copies the shared libraries a binary needs (ldd, with the unpacked Xen libraries first) into root $2.
copy_libs() {
  LD_LIBRARY_PATH="$2/usr/lib/x86_64-linux-gnu:$2/usr/lib/xen-4.17/lib/x86_64-linux-gnu" ldd "$1" 2>/dev/null |
    sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/lib64\/[^ ]*\) .*/\1/p' | while read -r lib; do
      case "$lib" in "$2"/*) continue ;; esac
      dest="$2/usr/lib/x86_64-linux-gnu/$(basename "$lib")"
      case "$lib" in /lib64/*) dest="$2$lib" ;; esac
      [ -e "$dest" ] || { mkdir -p "$(dirname "$dest")"; cp -L "$lib" "$dest"; }
    done
}

# dom0: busybox userland, xl + libxl, oxenstored, xenconsoled, the back-end modules, the agent.
build_dom0() {
  R="$2"
  rm -rf "$R/boot" "$R/usr/share/doc" "$R/usr/share/man" "$R/usr/lib/debug"
  mkdir -p "$R/bin" "$R/sbin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/run" "$R/root" "$R/lib64" "$R/etc/xen" \
    "$R/var/lib/xen/images" "$R/var/log/xen/console" "$R/opt"
  ln -sfn /run "$R/var/run"
  cp "$(command -v busybox)" "$R/bin/busybox"
  mkdir -p "$R/usr/bin"
  ln -s /bin/busybox "$R/usr/bin/env"  # bin/xend's and bin/xm's #! line
  cp "$(command -v bash)" "$R/usr/bin/bash"  # Xen's own hotplug scripts are bash
  for b in "$R"/usr/lib/xen-4.17/bin/* "$R"/usr/sbin/* "$R"/usr/bin/*; do
    [ -f "$b" ] && [ -x "$b" ] && copy_libs "$b" "$R"
  done
  copy_modules "$1/kgen" "$R" "$KVER" "$DOM0_MODULES"
  cp "$BASE.new/guest-vmlinuz" "$R/var/lib/xen/images/vmlinuz"
  cp "$BASE.new/guest-initramfs.gz" "$R/var/lib/xen/images/initramfs.gz"
  # Hotplug scripts busybox can run (Debian's need bash and udev): vifs join xenbr0, phy: and file:
  # disks connect (a file through a loop device, freed on remove). block-lane is also the default
  # `block`, which xl runs for a disk given without a script (xm block-attach).
  cat > "$R/etc/xen/scripts/vif-lane" <<'EOS'
#!/bin/sh
case "$1" in
  online|add) ip link set "$vif" up 2>/dev/null; [ -d /sys/class/net/xenbr0 ] && ip link set "$vif" master xenbr0 2>/dev/null
              xenstore-write "$XENBUS_PATH/hotplug-status" connected ;;
  offline|remove) xenstore-rm "$XENBUS_PATH/hotplug-status" 2>/dev/null ;;
esac
exit 0
EOS
  cat > "$R/etc/xen/scripts/block-lane" <<'EOS'
#!/bin/sh
case "$1" in
  add) p=$(xenstore-read "$XENBUS_PATH/params")
       [ -b "$p" ] || { d=$(losetup -f) && losetup "$d" "$p" && p=$d; } || exit 1
       xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c '%t:%T' "$p")" "$XENBUS_PATH/physical-device-path" "$p"
       xenstore-write "$XENBUS_PATH/hotplug-status" connected ;;
  remove) p=$(xenstore-read "$XENBUS_PATH/physical-device-path" 2>/dev/null)
          case "$p" in /dev/loop*) losetup -d "$p" 2>/dev/null ;; esac ;;
esac
exit 0
EOS
  chmod +x "$R/etc/xen/scripts/vif-lane" "$R/etc/xen/scripts/block-lane"
  cp "$R/etc/xen/scripts/block-lane" "$R/etc/xen/scripts/block"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
  echo 'root:x:0:' > "$R/etc/group"
  echo '127.0.0.1 localhost' > "$R/etc/hosts"
  cat > "$R/etc/profile" <<'EOS'
export PATH=/usr/lib/xen-4.17/bin:/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/usr/lib/xen-4.17/lib/x86_64-linux-gnu
export HOME=/root TERM=dumb
EOS
  # The host's commands arrive on the virtio-serial port "lane.agent" and are read by a
  # plain shell (no tty: no echo, no prompt, flow-controlled, unlike the serial console).
  cat > "$R/sbin/lane-agent" <<'EOS'
#!/bin/sh
for p in /sys/class/virtio-ports/*; do [ "$(cat "$p/name" 2>/dev/null)" = lane.agent ] && port=/dev/${p##*/}; done
[ -n "${port:-}" ] || { echo "LANE-AGENT: no virtio port lane.agent"; exit 1; }
# The port opens once (a virtio port takes one opener at a time); each shell reads it until the host closes.
exec 3<>"$port"
echo "LANE-AGENT on $port"
while true; do
  printf '@@LANE-READY\n' >&3
  sh <&3 >&3 2>&3
  echo "LANE-AGENT: the shell ended (host closed the port), restarting"
  sleep 1
done
EOS
  cat > "$R/init" <<'EOS'
#!/bin/busybox sh
/bin/busybox --install -s /bin
. /etc/profile
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run; mount -t tmpfs -o size=320m tmpfs /tmp
mkdir -p /run/xen /run/lock /run/xend /var/log/xen/console
echo "LANE-INIT uptime=$(cut -d' ' -f1 /proc/uptime)"
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc xen-blkback xen-netback loop bridge virtio_pci virtio_console e1000; do
  modprobe $m 2>/dev/null
done
mount -t xenfs xenfs /proc/xen
oxenstored --pid-file /run/xenstored.pid
xen-init-dom0 >/run/xen-init-dom0.log 2>&1
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest
ip link set lo up
# QEMU user net: the host reaches dom0's ports through hostfwd
[ -d /sys/class/net/eth0 ] && ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default via 10.0.2.2
ip link add xenbr0 type bridge && ip link set xenbr0 up
hostname dom0
echo "LANE-READY uptime=$(cut -d' ' -f1 /proc/uptime)"
setsid /sbin/lane-agent &
while true; do setsid cttyhack sh -l; done
EOS
  chmod +x "$R/init" "$R/sbin/lane-agent"
  cpio_gz "$R" 6
}

if [ ! -f "$BASE/manifest" ]; then
  build_base
else
  log "cached: $BASE"
fi

# node: the binary that runs this build, with its libraries.
NODE_LAYER="$CACHE/node-$("$NODE" --version)-$(printf '%s' "$NODE" | sha256sum | cut -c1-8).cpio.gz"
if [ ! -f "$NODE_LAYER" ]; then
  N="$(mktemp -d "$CACHE/work.XXXXXX")"
  mkdir -p "$N/usr/bin"
  cp "$NODE" "$N/usr/bin/node"
  copy_libs "$NODE" "$N"
  cpio_gz "$N" 1 > "$NODE_LAYER.new" && mv "$NODE_LAYER.new" "$NODE_LAYER"
  rm -rf "$N"
fi

# The project: what bin/xend and bin/xm load (dist is bundled: no node_modules at run time).
PROJECT_SUM="$(cd "$REPO" && find bin dist package.json -type f ! -name '*.map' | sort | xargs cat | sha256sum | cut -c1-16)"
STAMP="$(basename "$BASE") $(basename "$NODE_LAYER") $PROJECT_SUM"
if [ "$(cat "$OUT/stamp" 2>/dev/null)" != "$STAMP" ]; then
  P="$(mktemp -d "$CACHE/work.XXXXXX")"
  mkdir -p "$P/opt/xend"
  (cd "$REPO" && find bin dist package.json -type f ! -name '*.map' | while read -r f; do mkdir -p "$P/opt/xend/$(dirname "$f")"; cp "$f" "$P/opt/xend/$f"; done)
  cpio_gz "$P" 1 > "$P.gz"
  rm -rf "$P"
  for f in xen dom0-vmlinuz guest-vmlinuz guest-initramfs.gz manifest; do ln -sfn "$BASE/$f" "$OUT/$f"; done
  cat "$BASE/dom0-base.gz" "$NODE_LAYER" "$P.gz" > "$OUT/dom0-initrd.gz.new"
  mv "$OUT/dom0-initrd.gz.new" "$OUT/dom0-initrd.gz"
  rm -f "$P.gz"
  echo "$STAMP" > "$OUT/stamp"
  log "project layer rebuilt"
fi
command -v qemu-system-x86_64 >/dev/null || die "built in $OUT, but qemu-system-x86_64 is not installed to boot it (apt-get install qemu-system-x86)"
echo "$OUT"
