#!/usr/bin/env bash
# The main job on the embedded default: a private xend on the simulated host under a
# temporary root, a few guests created, listed, paused, shut down; then xend stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
export XEND_ROOT="${XEND_ROOT:-$(mktemp -d /tmp/xend-demo.XXXXXX)}"
xm() { echo "\$ xm $*" >&2; node "$here/bin/xm" "$@"; }
xend() { echo "\$ xend $*" >&2; node "$here/bin/xend" "$@"; }
trap 'xend stop' EXIT

mkdir -p "$XEND_ROOT/etc/xen"
cat > "$XEND_ROOT/etc/xen/xend-config.sxp" <<'CFG'
(dom0-min-mem 196)
(enable-dom0-ballooning yes)
CFG
cat > "$XEND_ROOT/etc/xen/guest" <<'CFG'
# An ordinary xm config file: Python syntax, evaluated natively by xm.
kernel = "/boot/vmlinuz-xen"
memory = 256
vcpus = 2
name = "guest%d" % int(n)
vif = [ 'bridge=xenbr0' ]
disk = [ 'file:/var/lib/xen/images/guest%s.img,xvda,w' % n ]
root = "/dev/xvda ro"
on_reboot = 'restart'
CFG

echo "xend root: $XEND_ROOT" >&2
xend start
for n in 1 2 3; do xm create guest n=$n; done
xm create "$here/../shared/data/xen-examples/xmexample2" vmid=3 memory=128 2>/dev/null || true
xm list
xm pause guest2
xm list guest2
xm unpause guest2
xm reboot -w guest3
xm shutdown -w guest1
xm list --json
xm info | head -5
