#!/usr/bin/env bash
# Inspects the agent's MSI (scripts/package windows) with msitools: the
# service, its control events, the upgrade and downgrade rules, the
# silent-install properties, the custom actions that configure the agent and
# (on request) remove its data, and the files it carries.
#
#   msi_test.sh SOURCE_DIR WINDOWS_BUILD_DIR [LINUX_AGENT]   exit 77: no msitools
#
# With LINUX_AGENT (the contractsync-agent built for this host), the config
# template, filled in as the custom action fills it, must pass check-config.
set -euo pipefail
src="$1"
build="$(cd "$2" && pwd)"
linux_agent="${3:-}"
command -v msiinfo >/dev/null || { echo "SKIP: msitools are not installed"; exit 77; }
version="$(sed -n 's/^project(ContractSync VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")"
msi="$build/contractsync-agent-$version-x64.msi"
[[ -f "$msi" ]] || { echo "FAIL: $msi is missing: run scripts/package windows"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failures=0
table() { msiinfo export "$msi" "$1" | tr -d '\r'; }
# expect TABLE 'extended regex' 'what it means'
expect() {
    if table "$1" | grep -E -- "$2" >/dev/null; then
        echo "PASS $3"
    else
        echo "FAIL $3: no row of $1 matches $2"
        table "$1"
        failures=$((failures + 1))
    fi
}
tab=$'\t'
for t in Property ServiceInstall ServiceControl Upgrade LaunchCondition CustomAction \
         InstallExecuteSequence File Registry Binary; do
    msiinfo tables "$msi" | grep -x "$t" >/dev/null || { echo "FAIL table $t is missing"; failures=$((failures + 1)); }
done

expect Property "^ProductVersion${tab}${version//./\\.}$" "product version"
expect Property "^UpgradeCode${tab}\{7C1B2E64-3F0A-4D52-9E7B-5A2C8D41F6A3\}$" \
    "the upgrade code every version shares"
expect Property "^ALLUSERS${tab}1$" "per-machine install"
expect Property "^MsiHiddenProperties${tab}SITE_KEY$" "a SITE_KEY someone passes anyway stays out of the log"
if table Property | grep -E "^(SITE_KEY|SITE_KEY_FILE|RELAY_URL|PROXY_URL|REMOVE_DATA)${tab}" >/dev/null; then
    echo "FAIL the package carries a default site key, relay, proxy or data removal"
    failures=$((failures + 1))
else
    echo "PASS SITE_KEY_FILE, RELAY_URL, PROXY_URL and REMOVE_DATA come only from the command line"
fi
expect LaunchCondition "^NOT SITE_KEY${tab}SITE_KEY is not accepted on the command line" \
    "a site key on the command line is refused with a message pointing at SITE_KEY_FILE"

# Name, DisplayName, ServiceType, StartType, ErrorControl, LoadOrderGroup,
# Dependencies, StartName, Password, Arguments, Component_, Description
expect ServiceInstall \
    "^AgentService${tab}ContractSyncAgent${tab}ContractSync Agent${tab}16${tab}2${tab}1${tab}${tab}${tab}NT SERVICE\\\\ContractSyncAgent${tab}${tab}run --config \"\[CommonAppDataFolder\]ContractSync\\\\Agent\\\\agent.json\"${tab}AgentExecutable${tab}" \
    "service: own process, automatic start, NT SERVICE\\ContractSyncAgent, run --config"
# 162 = stop on install (2) + stop on uninstall (32) + delete on uninstall
# (128), waited for; 1 = start on install, not waited for.
expect ServiceControl "^AgentServiceStop${tab}ContractSyncAgent${tab}162${tab}${tab}1${tab}AgentExecutable$" \
    "service stopped on install and uninstall and removed on uninstall, waited for"
expect ServiceControl "^AgentServiceStart${tab}ContractSyncAgent${tab}1${tab}${tab}0${tab}AgentExecutable$" \
    "service started on install, not waited for"

# UpgradeCode, VersionMin, VersionMax, Language, Attributes, Remove, ActionProperty
v="${version//./\\.}"
expect Upgrade "${tab}${tab}${v}${tab}${tab}1${tab}${tab}WIX_UPGRADE_DETECTED$" \
    "older versions are found and replaced (major upgrade)"
expect Upgrade "${tab}${v}${tab}${tab}${tab}2${tab}${tab}WIX_DOWNGRADE_DETECTED$" \
    "newer versions are detected"
expect LaunchCondition "^NOT WIX_DOWNGRADE_DETECTED${tab}A newer version of the ContractSync Agent is already installed" \
    "a downgrade is refused with a message"
expect InstallExecuteSequence "^RemoveExistingProducts${tab}" "the old version is removed on upgrade"

# 3073 = DLL in the Binary table (1) + deferred (1024) + no impersonation (2048).
expect CustomAction "^ConfigureAgent${tab}3073${tab}ActionsDll${tab}ConfigureAgent" \
    "ConfigureAgent: deferred, as LocalSystem, from the DLL"
expect CustomAction "^SetConfigureAgentData${tab}(51|2099)${tab}ConfigureAgent${tab}\[INSTALLFOLDER\]$" \
    "the action data starts with the install folder"
table CustomAction | grep -A4 "^SetConfigureAgentData" | tr '\n' '|' \
    | grep -F '[INSTALLFOLDER]|[CommonAppDataFolder]ContractSync\Agent|[RELAY_URL]|[PROXY_URL]|[SITE_KEY_FILE]' >/dev/null \
    && echo "PASS the action data: folders, relay, proxy, site key file (one per line)" \
    || { echo "FAIL the action data lines"; failures=$((failures + 1)); }
seq_of() { table InstallExecuteSequence | awk -F'\t' -v a="$1" '$1 == a {print $3}'; }
set_data=$(seq_of SetConfigureAgentData); install_services=$(seq_of InstallServices)
configure=$(seq_of ConfigureAgent); start_services=$(seq_of StartServices)
if [[ -n "$configure" && $set_data -lt $install_services && $install_services -lt $configure \
      && $configure -lt $start_services ]]; then
    echo "PASS order: set data $set_data < InstallServices $install_services < ConfigureAgent $configure < StartServices $start_services"
else
    echo "FAIL sequence: $set_data $install_services $configure $start_services"
    failures=$((failures + 1))
fi
expect InstallExecuteSequence "^ConfigureAgent${tab}NOT REMOVE=\"ALL\"${tab}" "not run on uninstall"
expect CustomAction "^RemoveAgentData${tab}(3073|3137)${tab}ActionsDll${tab}RemoveAgentData" \
    "RemoveAgentData: deferred, as LocalSystem, from the DLL"
table CustomAction | grep -A1 "^SetRemoveAgentDataData" | tr '\n' '|' \
    | grep -F '[INSTALLFOLDER]|[CommonAppDataFolder]ContractSync\Agent' >/dev/null \
    && echo "PASS RemoveAgentData's data: install folder (whose processes it waits for), data folder" \
    || { echo "FAIL RemoveAgentData's data lines"; failures=$((failures + 1)); }
expect InstallExecuteSequence "^RemoveAgentData${tab}REMOVE=\"ALL\" AND REMOVE_DATA=\"1\" AND NOT UPGRADINGPRODUCTCODE${tab}" \
    "the data folder goes only on an uninstall with REMOVE_DATA=1, never on an upgrade"
remove_data=$(seq_of RemoveAgentData); remove_files=$(seq_of RemoveFiles); stop_services=$(seq_of StopServices)
[[ -n "$remove_data" && $stop_services -lt $remove_data && $remove_files -lt $remove_data ]] \
    && echo "PASS order: StopServices $stop_services, RemoveFiles $remove_files < RemoveAgentData $remove_data" \
    || { echo "FAIL RemoveAgentData runs before the service stopped"; failures=$((failures + 1)); }
expect CustomAction "^StopAgentService${tab}(3073|3137)${tab}ActionsDll${tab}StopAgentService" \
    "StopAgentService: deferred, as LocalSystem, from the DLL"
expect InstallExecuteSequence "^StopAgentService${tab}NOT UPGRADINGPRODUCTCODE${tab}" \
    "the service is stopped and waited for, except by the old version's removal in an upgrade"
stop_agent=$(seq_of StopAgentService); initialize=$(seq_of InstallInitialize)
install_files=$(seq_of InstallFiles)
[[ -n "$stop_agent" && $initialize -lt $stop_agent && $stop_agent -lt $stop_services
   && $stop_agent -lt $install_files ]] \
    && echo "PASS order: InstallInitialize $initialize < StopAgentService $stop_agent < StopServices $stop_services, InstallFiles $install_files" \
    || { echo "FAIL StopAgentService must run after InstallInitialize, before StopServices and InstallFiles"; failures=$((failures + 1)); }

expect File "${tab}contractsync-agent.exe${tab}" "installs contractsync-agent.exe"
expect File "${tab}agent.json.template${tab}" "installs the config template"
for tz in version northamerica europe asia windowsZones.xml; do
    expect File "${tab}${tz}${tab}" "installs tzdata\\$tz"
done
if table File | grep -E "${tab}agent\.json${tab}" >/dev/null; then
    echo "FAIL agent.json must not be an MSI file (uninstall and upgrades would replace it)"
    failures=$((failures + 1))
fi
expect Registry "EventLog\\\\Application\\\\ContractSyncAgent\\\\${tab}EventMessageFile${tab}\[#AgentExe\]" \
    "Event Log source with the executable's message table"

# The payload: the files unpack, the template has its placeholders, and no
# site key is baked into the package.
(cd "$work" && msiextract "$msi" >/dev/null)
template="$(find "$work" -name agent.json.template | head -1)"
grep -F '"url": "@RELAY_URL@"' "$template" >/dev/null && grep -F '"proxy": "@PROXY_URL@"' "$template" >/dev/null \
    && grep -F '"site_key": { "secret": "site_key" }' "$template" >/dev/null \
    && echo "PASS the template takes RELAY_URL and PROXY_URL and names the site key secret" \
    || { echo "FAIL the config template"; failures=$((failures + 1)); }
if [[ -n "$linux_agent" ]]; then
    sed -e 's|@RELAY_URL@|wss://relay.example.com/v1/agent|' -e 's|@PROXY_URL@|http://proxy.example.com:3128|' \
        "$template" > "$work/agent.json"
    (cd "$work" && "$linux_agent" check-config -c agent.json >/dev/null) \
        && echo "PASS the filled-in template is a valid agent config" \
        || { echo "FAIL the filled-in template does not pass check-config"; failures=$((failures + 1)); }
fi
exe="$(find "$work" -name contractsync-agent.exe | head -1)"
cmp -s "$exe" "$build/package/contractsync-agent.exe" \
    && echo "PASS the MSI carries exactly the signed, cross-built agent" \
    || { echo "FAIL the MSI's contractsync-agent.exe is not build-windows/package's"; failures=$((failures + 1)); }
[[ "$(head -c 2 "$exe")" == MZ ]] && echo "PASS contractsync-agent.exe unpacks" \
    || { echo "FAIL contractsync-agent.exe"; failures=$((failures + 1)); }
if grep -a -E 'cs_site_[A-Za-z0-9_-]{20,}' "$msi" >/dev/null; then
    echo "FAIL the package contains something that looks like a site key"
    failures=$((failures + 1))
fi
echo "MSI size: $(stat -c %s "$msi") bytes"
echo "$failures failure(s)"
[[ $failures -eq 0 ]]
