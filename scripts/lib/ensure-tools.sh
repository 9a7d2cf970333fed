# Shared by scripts/server and scripts/test: installs what is missing on Debian/Ubuntu.

need_root_for() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: $1 is missing. Install it (Debian/Ubuntu: sudo apt-get install -y $2) and run this again." >&2
    exit 1
  fi
}

apt_install() {
  need_root_for "$1" "$2"
  if [ -z "${DOWNSTREAM_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export DOWNSTREAM_APT_UPDATED=1
  fi
  # shellcheck disable=SC2086 # $2 may name several packages
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $2 >/dev/null
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH." >&2
    exit 1
  fi
}

ensure_ffmpeg() {
  if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
    echo "Installing ffmpeg..." >&2
    apt_install ffmpeg ffmpeg
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "Installing Node.js and npm..." >&2
    apt_install node nodejs
    apt_install npm npm
  fi
}

ensure_tool() { # ensure_tool COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || apt_install "$1" "$2"
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
