#!/usr/bin/env bash
# Installs the Bicep CLI from NuGet (package Azure.Bicep.CommandLine.<rid>) into .tmp/bicep/, for
# the tests that compile real Bicep. Needs the .NET SDK (`dotnet`) and a reachable NuGet feed;
# nothing is downloaded from anywhere else. A throwaway project with a <PackageDownload> is restored
# into a packages folder under .tmp/bicep/ (gitignored), and the binary is linked as
# .tmp/bicep/bin/bicep. The tests look there (and on PATH); `.ci/run` also puts it on PATH.
#
#   bash scripts/install-bicep.sh            # version below; BICEP_VERSION=0.48.1 to choose another
#
# Exit 0 with the binary's path on the last line of stdout; exit 1 with the reason on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${BICEP_VERSION:-0.49.2}"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64) rid=linux-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  *)
    echo "install-bicep: no Bicep CLI package for $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac
package="Azure.Bicep.CommandLine.${rid}"
root="$PWD/.tmp/bicep"
packages="$root/packages"
binary="$packages/$(echo "$package" | tr '[:upper:]' '[:lower:]')/$version/tools/bicep"

if [ ! -x "$binary" ]; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "install-bicep: the .NET SDK (dotnet) is not installed, so $package $version cannot be restored from NuGet" >&2
    exit 1
  fi
  # The SDK's own framework, so the restore needs no reference packages from the feed.
  framework="net$(dotnet --version | cut -d. -f1).0"
  project=$(mktemp -d)
  trap 'rm -rf "$project"' EXIT
  cat >"$project/bicep-download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>$framework</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$package" Version="[$version]" />
  </ItemGroup>
</Project>
EOF
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  if ! log=$(dotnet restore "$project/bicep-download.csproj" --packages "$packages" 2>&1); then
    echo "install-bicep: dotnet restore of $package $version failed:" >&2
    echo "$log" | tail -n 15 >&2
    exit 1
  fi
  if [ ! -f "$binary" ]; then
    echo "install-bicep: $package $version restored, but it has no tools/bicep" >&2
    exit 1
  fi
  chmod +x "$binary"
fi

mkdir -p "$root/bin"
ln -sf "$binary" "$root/bin/bicep"
"$root/bin/bicep" --version >&2
echo "$root/bin/bicep"
