// Names a process so that another process, later, can tell whether it still runs:
// "host boot-id pid start-time". The store records the coordinator that runs each run
// under this name; a coordinator that finds a run "running" under a name that is gone
// (same host, and that process has ended or the host rebooted) knows the run is stale at
// once, without waiting for its heartbeat to age.
#pragma once
#include <cstdint>
#include <string>

namespace tb {

std::string this_process_identity();

// True when `identity` names a process on this host that no longer runs (or ran before
// the last reboot). False for live processes and for other hosts, whose runs can only be
// judged by the age of their heartbeat.
bool process_is_gone(const std::string& identity);

}  // namespace tb
