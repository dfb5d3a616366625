#!/usr/bin/env bash
# Makes the self-contained distribution, TARGET/NAME-PLATFORM.tar.gz, holding
#   NAME/bin/taskhub   the launcher (runs NAME/runtime with NAME/lib)
#   NAME/runtime/      a Java runtime trimmed by jlink to the modules the jars need
#   NAME/lib/          the command line's jar and its runtime dependencies
# for the platform of the JDK that runs the build (jlink links that JDK's own modules).
# Called by Maven in cli's package phase: make-dist.sh TARGET JAR NAME JAVA_HOME
set -euo pipefail
target=$1 jar=$2 name=$3 jdk=$4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 sqlite_natives=(Linux/x86_64 Linux-Musl/x86_64) ;;
  Linux-aarch64) platform=linux-aarch64 sqlite_natives=(Linux/aarch64 Linux-Musl/aarch64) ;;
  Darwin-x86_64) platform=macos-x64 sqlite_natives=(Mac/x86_64) ;;
  Darwin-arm64) platform=macos-aarch64 sqlite_natives=(Mac/aarch64) ;;
  *) echo "make-dist.sh: no distribution for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

# The modules the jars need: jdeps (per jar: --ignore-missing-deps --print-module-deps
# --multi-release 21) also names java.compiler (annotations, never loaded), java.instrument (Jetty's
# webapp deployer) and java.desktop, which only unused paths reach (PostgreSQL's PGpoint, JNA's
# window handles, MSAL's interactive browser sign-in, Micrometer's Log4j2 binder; Jackson checks
# for java.beans before it uses it) and which would add 15 MB. jdk.crypto.ec: elliptic-curve TLS.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss
modules+=,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported

work="$target/dist"
stage="$work/$name"
rm -rf "$work"
mkdir -p "$stage/bin" "$stage/lib"

"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-9 --output "$stage/runtime"
# The JDK's native libraries keep their symbol tables (libjvm alone: 5 of its 29 MB); the runtime
# needs none of them. Without strip (macOS without developer tools) they stay.
if command -v strip >/dev/null 2>&1 && [ "$(uname -s)" = Linux ]; then
  find "$stage/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
fi

cp "$target/$jar" "$target"/lib/*.jar "$stage/lib/"

# sqlite-jdbc carries its native library for twenty platforms (14 MB); keep this platform's.
sqlite=$(ls "$stage"/lib/sqlite-jdbc-*.jar)
unpacked="$work/sqlite"
mkdir -p "$unpacked"
(cd "$unpacked" && "$jdk/bin/jar" xf "$sqlite")
mkdir -p "$work/keep"
for native in "${sqlite_natives[@]}"; do
  if [ -d "$unpacked/org/sqlite/native/$native" ]; then
    mkdir -p "$work/keep/$native"
    cp -R "$unpacked/org/sqlite/native/$native/." "$work/keep/$native/"
  fi
done
rm -rf "$unpacked/org/sqlite/native"
mkdir -p "$unpacked/org/sqlite/native"
cp -R "$work/keep/." "$unpacked/org/sqlite/native/"
rm "$sqlite"
"$jdk/bin/jar" --create --file "$sqlite" --manifest "$unpacked/META-INF/MANIFEST.MF" \
  -C "$unpacked" .
rm -rf "$unpacked" "$work/keep"

cp "$here/bin/taskhub" "$stage/bin/taskhub"
chmod 755 "$stage/bin/taskhub"

archive="$target/$name-$platform.tar.gz"
tar -C "$work" -czf "$archive" "$name"
echo "Distribution: $archive ($(du -sh "$stage" | cut -f1) unpacked)"
