#!/bin/sh
# Installs xm and xend as a Dom0 needs them: the programs, man pages, bash and zsh
# completion, a systemd unit and a default /etc/xen/xend-config.sxp (never over an
# existing one). Run from a built tree (npm ci builds it):
#
#   sudo scripts/install.sh                         # under /usr/local
#   PREFIX=/usr DESTDIR=/tmp/pkg scripts/install.sh # staged, for a package
#
# PREFIX (/usr/local), SYSCONFDIR (/etc) and UNITDIR ($PREFIX/lib/systemd/system)
# choose where; DESTDIR is prepended to every path written, never to the paths
# the installed files name.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
DESTDIR=${DESTDIR:-}
lib=$PREFIX/lib/xend-suite

if [ ! -f "$here/dist/xm.cjs" ] || [ ! -f "$here/dist/xend.mjs" ]; then
  echo "Error: $here/dist is not built; run npm ci (or npm run build) first" >&2
  exit 1
fi

say() { echo "  $1"; }
put() { # put MODE SOURCE TARGET
  install -D -m "$1" "$2" "$DESTDIR$3"
  say "$3"
}

echo "Installing xend-suite under ${DESTDIR}${PREFIX}:"
# The bundles need no node_modules; the launchers find them beside themselves.
mkdir -p "$DESTDIR$lib"
rm -rf "$DESTDIR$lib/dist"
cp -R "$here/dist" "$DESTDIR$lib/dist"
say "$lib/dist"
put 0755 "$here/bin/xm" "$lib/bin/xm"
put 0755 "$here/bin/xend" "$lib/bin/xend"
# The launchers are CommonJS without an extension (an ES module would start Node's ESM loader).
put 0644 "$here/bin/package.json" "$lib/bin/package.json"
mkdir -p "$DESTDIR$PREFIX/bin"
# Relative links: right both where a package stages them (DESTDIR) and where it lands.
ln -sfn ../lib/xend-suite/bin/xm "$DESTDIR$PREFIX/bin/xm"
ln -sfn ../lib/xend-suite/bin/xend "$DESTDIR$PREFIX/bin/xend"
say "$PREFIX/bin/xm, $PREFIX/bin/xend"

for page in xm.1 xend.8 xend-config.sxp.5 xmdomain.cfg.5; do
  put 0644 "$here/man/$page" "$PREFIX/share/man/man${page##*.}/$page"
done
put 0644 "$here/completions/xm.bash" "$PREFIX/share/bash-completion/completions/xm"
put 0644 "$here/completions/_xm" "$PREFIX/share/zsh/site-functions/_xm"

mkdir -p "$DESTDIR$UNITDIR"
sed "s|@BINDIR@|$PREFIX/bin|g" "$here/etc/xend.service.in" > "$DESTDIR$UNITDIR/xend.service"
chmod 0644 "$DESTDIR$UNITDIR/xend.service"
say "$UNITDIR/xend.service"

config=$SYSCONFDIR/xen/xend-config.sxp
if [ -e "$DESTDIR$config" ]; then
  say "$config kept as it is (the default is $lib/xend-config.sxp)"
  put 0644 "$here/etc/xend-config.sxp" "$lib/xend-config.sxp"
else
  put 0644 "$here/etc/xend-config.sxp" "$config"
fi
echo "Then: systemctl daemon-reload && systemctl enable --now xend"
