#!/usr/bin/env bash
# Runs the chaos suite (watcher-app's dev.anneal.watcher.app.chaos ITs) at full size, or any part of
# it: several daemons with kill -9 and a scale-down/up, a three-broker cluster with broker bounces, a
# receiver outage of minutes, the embedded broker restarted under a running daemon. Each scenario
# ends with the crash test's check (outputs read with read_committed equal the replay of the same
# input) and prints a FIGURES line; with --figures FILE the lines are also appended to FILE (the
# rows of docs/reliability.md). `./mvnw -B verify` runs the same tests in their bounded form.
#
# Usage: scripts/chaos.sh [OPTIONS] [-- MAVEN ARGS...]
#   --bounded               the sizes ./mvnw verify uses (default: full size)
#   --scenario NAME         multi-instance | broker-cluster | receiver-outage | broker-restart | all (default)
#   --records N             input records per scenario (full: 48000; bounded: 4000)
#   --rate R                records per second, produced steadily (full: 200; bounded: 100)
#   --standbys N            streams.standby_replicas of the multi-instance scenario (default 1);
#                           run it with 0 and 1 to compare failover times
#   --receiver-outage S     seconds the receivers are down (full: 180; bounded: 20)
#   --broker-downtime S     seconds a broker stays down (full: 30; bounded: 8)
#   --seed N                another generated stream
#   --figures FILE          append each scenario's figures line to FILE
#   -- ARGS                 passed to Maven (e.g. -o, -Dchaos.childJvmOptions="-Xmx512m")
# The daemon logs of a failed scenario are kept in the work dir the test prints.
set -euo pipefail
cd "$(dirname "$0")/.."

records=48000 rate=200 outage=180 downtime=30 standbys=1 seed="" figures="" scenario=all
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bounded) records=4000 rate=100 outage=20 downtime=8; shift ;;
        --scenario) scenario="$2"; shift 2 ;;
        --records) records="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --standbys) standbys="$2"; shift 2 ;;
        --receiver-outage) outage="$2"; shift 2 ;;
        --broker-downtime) downtime="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --figures) figures="$(realpath -m "$2")"; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "chaos.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

case "$scenario" in
    multi-instance) tests=MultiInstanceChaosIT ;;
    broker-cluster) tests=BrokerClusterChaosIT ;;
    receiver-outage) tests=ReceiverOutageChaosIT ;;
    broker-restart) tests=BrokerRestartChaosIT ;;
    all) tests='*ChaosIT' ;;
    *) echo "chaos.sh: unknown scenario $scenario" >&2; exit 64 ;;
esac

props=(-Dchaos.records="$records" -Dchaos.rate="$rate" -Dchaos.standbys="$standbys"
       -Dchaos.receiverOutageSeconds="$outage" -Dchaos.brokerDowntimeSeconds="$downtime")
[[ -n "$seed" ]] && props+=(-Dchaos.seed="$seed")
[[ -n "$figures" ]] && props+=(-Dchaos.figures="$figures")
exec ./mvnw -B verify -pl watcher-app -am \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test="$tests" -Dfailsafe.failIfNoSpecifiedTests=false \
    "${props[@]}" "$@"
