# Sourced by ./taskhub and .ci/run: sets JAVA_HOME to a JDK >= 21, or explains what is missing.
# Looks at $JAVA_HOME, the java on PATH, then the usual install folders (Linux, macOS, SDKMAN).

taskhub_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}

taskhub_find_jdk() {
  local candidates=() seen="" home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    major=$(taskhub_java_major "$home")
    seen="$seen $home (Java ${major:-?})"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$home" TASKHUB_JAVA_MAJOR="$major"
      return 0
    fi
  done
  {
    echo "Taskhub needs a JDK 21 or newer, and none was found."
    [ -n "$seen" ] && echo "Found only:$seen"
    echo "Install one (for example 'apt-get install openjdk-21-jdk', 'brew install openjdk@21'," \
      "or a Temurin build from adoptium.net) and set JAVA_HOME to it."
  } >&2
  return 1
}

taskhub_find_jdk || exit 1
