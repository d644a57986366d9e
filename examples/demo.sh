#!/usr/bin/env bash
# The main job on the embedded default: a private xend on the simulated host under a
# temporary root, a few guests created, listed, paused, shut down; then xend stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
xm() { echo "\$ xm $*" >&2; node "$here/bin/xm" "$@"; }
xend() { echo "\$ xend $*" >&2; node "$here/bin/xend" "$@"; }
if [ -z "${XEND_ROOT:-}" ]; then
  # A root of its own, removed at the end (one the caller named is kept).
  XEND_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/xend-demo.XXXXXX")"
  trap 'xend stop; rm -rf "$XEND_ROOT"' EXIT
else
  trap 'xend stop' EXIT
fi
export XEND_ROOT

mkdir -p "$XEND_ROOT/etc/xen"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
cat > "$XEND_ROOT/etc/xen/xend-config.sxp" <<CFG
(dom0-min-mem 196)
(enable-dom0-ballooning yes)
(xend-relocation-server yes)
(xend-relocation-port $port)
(xend-relocation-hosts-allow '^localhost$ ^127\\.0\\.0\\.1$')
CFG
# The kernel and disks in xend's image folder (xend-domain-image-path): a domain arriving by
# live migration may name files only there. The simulated host reads neither.
images="$XEND_ROOT/var/lib/xen/images"
mkdir -p "$images" && touch "$images/vmlinuz-xen"
cat > "$XEND_ROOT/etc/xen/guest" <<CFG
# An ordinary xm config file: Python syntax, evaluated natively by xm.
kernel = "$images/vmlinuz-xen"
memory = 256
vcpus = 2
name = "guest%d" % int(n)
vif = [ 'bridge=xenbr0' ]
disk = [ 'file:$images/guest%s.img,xvda,w' % n ]
root = "/dev/xvda ro"
on_reboot = 'restart'
CFG

echo "xend root: $XEND_ROOT" >&2
xend start
for n in 1 2 3; do xm create guest n=$n; done
xm create -n "$here/test/fixtures/numbered-guest.cfg" vmid=7 kernel="$images/vmlinuz-xen" | head -12   # one file for numbered guests: xm_vars, vmid arithmetic (dry run; xm checks the kernel exists)
xm list
xm pause guest2
xm list guest2
xm unpause guest2
xm reboot -w guest3
xm migrate -l -p "$port" guest2 localhost     # live, to this host's relocation server: a new domid
xm list
xm shutdown -w guest1
xm list --json
xm info | head -5
