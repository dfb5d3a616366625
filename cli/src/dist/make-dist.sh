#!/usr/bin/env bash
# Makes the self-contained distribution, TARGET/NAME-PLATFORM.tar.gz, holding
#   NAME/bin/taskhub     the launcher (runs NAME/runtime with NAME/lib, in a fixed class path order)
#   NAME/runtime/        a Java runtime trimmed by jlink to the modules the jars need
#   NAME/lib/            the command line's jar and its runtime dependencies
#   NAME/lib/serve.aot   serve's ahead-of-time class cache (JDK 25, JEP 483/514/515), made here by a
#                        training run of this very folder's serve
# and TARGET/NAME-PLATFORM-azure.tar.gz, NAME/lib/azure/: the Azure identity libraries that
# Authentication=DefaultAzure & co. need, unpacked over the first when wanted (13 MB that only DTS
# in the cloud uses); for the platform of the JDK that runs the build (jlink links that JDK's own
# modules). Called by Maven in cli's package phase: make-dist.sh TARGET JAR NAME JAVA_HOME
set -euo pipefail
target=$1 jar=$2 name=$3 jdk=$4
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# the natives kept of the jars that carry them for every platform: sqlite-jdbc's folders (OS/arch)
# and grpc-netty-shaded's file names (its BoringSSL and epoll libraries)
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 sqlite_natives=('Linux/x86_64/*' 'Linux-Musl/x86_64/*')
    netty_natives=('*_linux_x86_64.so' '*_epoll_x86_64.so') ;;
  Linux-aarch64) platform=linux-aarch64 sqlite_natives=('Linux/aarch64/*' 'Linux-Musl/aarch64/*')
    netty_natives=('*_linux_aarch_64.so' '*_epoll_aarch_64.so') ;;
  Darwin-x86_64) platform=macos-x64 sqlite_natives=('Mac/x86_64/*') netty_natives=('*_osx_x86_64.jnilib') ;;
  Darwin-arm64) platform=macos-aarch64 sqlite_natives=('Mac/aarch64/*') netty_natives=('*_osx_aarch_64.jnilib') ;;
  *) echo "make-dist.sh: no distribution for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

# The modules the jars need: jdeps (per jar: --ignore-missing-deps --print-module-deps
# --multi-release 21) also names java.compiler (annotations, never loaded), java.instrument (Jetty's
# webapp deployer) and java.desktop, which only unused paths reach (PostgreSQL's PGpoint, JNA's
# window handles, MSAL's interactive browser sign-in, Micrometer's Log4j2 binder; Jackson checks
# for java.beans before it uses it) and which would add 15 MB. jdk.crypto.ec: elliptic-curve TLS.
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss
modules+=,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported

# The jars only azure-identity brings (`./mvnw dependency:tree -pl cli` shows them under it): the
# Azure SDK, MSAL, Reactor and the plain netty that azure-core-http-netty uses (gRPC has its own,
# shaded), JNA for MSAL's token cache. DistributionIT runs serve and the client commands without them.
azure_jars=('azure-*.jar' 'msal4j-*.jar' 'reactor-*.jar' 'reactive-streams-*.jar' 'netty-*.jar' 'jna-*.jar')

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

# keep_natives JAR FOLDER PATTERN...: JAR again without the files under FOLDER whose path there
# matches no PATTERN (a shell glob)
keep_natives() {
  local jar=$1 folder=$2
  shift 2
  local unpacked="$work/unpacked"
  rm -rf "$unpacked"
  mkdir -p "$unpacked"
  (cd "$unpacked" && "$jdk/bin/jar" xf "$jar")
  (
    cd "$unpacked/$folder"
    find . -type f | while read -r file; do
      local keep=no pattern
      for pattern in "$@"; do
        # shellcheck disable=SC2254 # the pattern is a glob on purpose
        case "${file#./}" in $pattern) keep=yes ;; esac
      done
      if [ $keep = no ]; then rm "$file"; fi
    done
  )
  find "$unpacked/$folder" -type d -empty -delete
  rm "$jar"
  "$jdk/bin/jar" --create --file "$jar" --manifest "$unpacked/META-INF/MANIFEST.MF" -C "$unpacked" .
  rm -rf "$unpacked"
}

# sqlite-jdbc carries its native library for twenty platforms (14 MB), grpc-netty-shaded BoringSSL
# for five (15 MB): keep this platform's.
keep_natives "$(ls "$stage"/lib/sqlite-jdbc-*.jar)" org/sqlite/native "${sqlite_natives[@]}"
keep_natives "$(ls "$stage"/lib/grpc-netty-shaded-*.jar)" META-INF/native "${netty_natives[@]}"

azure="$work/azure/$name/lib/azure"
mkdir -p "$azure"
# shellcheck disable=SC2068 # the names are globs on purpose
(cd "$stage/lib" && mv ${azure_jars[@]} "$azure/")

# bin/taskhub names every jar, in this order: an AOT cache is only used with the class path it was
# made with (a lib/* wildcard is in the order the file system lists the folder, not a fixed one)
classpath=""
for file in "$stage"/lib/*.jar; do
  classpath+="${classpath:+:}\$home/lib/$(basename "$file")"
done
sed "s|@CLASSPATH@|$classpath|" "$here/bin/taskhub" >"$stage/bin/taskhub"
chmod 755 "$stage/bin/taskhub"

"$here/train-aot-cache.sh" "$stage" "$work/training"

archive="$target/$name-$platform.tar.gz"
tar -C "$work" -czf "$archive" "$name"
tar -C "$work/azure" -czf "$target/$name-$platform-azure.tar.gz" "$name"
echo "Distribution: $archive ($(du -sh "$stage" | cut -f1) unpacked, of which lib/serve.aot" \
  "$(du -sh "$stage/lib/serve.aot" | cut -f1)); Azure identity: $name-$platform-azure.tar.gz" \
  "($(du -sh "$azure" | cut -f1))"
