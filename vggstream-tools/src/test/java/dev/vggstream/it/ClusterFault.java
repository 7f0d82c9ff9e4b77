package dev.vggstream.it;

import dev.vggstream.kafka.LocalKafkaBroker;
import dev.vggstream.kafka.LocalKafkaCluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The faults a three-node cluster is put through while images stream, after Kafka's own Streams system tests
 * (broker bounce, EOS): each one returns when the fault is over, i.e. every node it touched runs again.
 */
enum ClusterFault {

    /** (a) kill -9 the broker leading most input partitions, restart it on its data directory. */
    INPUT_LEADER_KILLED {
        @Override
        String apply(ClusterRun run) {
            LocalKafkaBroker node = run.cluster().node(run.cluster().busiestLeader(run.names().input()));
            node.kill();
            hold(run.outage());
            node.start();
            return "killed node " + node.nodeId();
        }
    },
    /** (b) kill -9 the processor's group coordinator (and, under exactly-once, say whether it coordinates its transactions). */
    COORDINATOR_KILLED {
        @Override
        String apply(ClusterRun run) {
            LocalKafkaCluster c = run.cluster();
            int group = c.groupCoordinator(run.names().app());
            String txn = c.transactionalIds(run.names().app()).stream().findFirst()
                    .map(id -> " (transaction coordinator of " + id + ": node " + c.transactionCoordinator(id) + ")")
                    .orElse("");
            LocalKafkaBroker node = c.node(group);
            node.kill();
            hold(run.outage());
            node.start();
            return "killed group coordinator node " + group + txn;
        }
    },
    /** (c) stop and start every node in turn, each after the ISR is full again. */
    ROLLING_RESTART {
        @Override
        String apply(ClusterRun run) {
            for (LocalKafkaBroker node : run.cluster().nodes()) {
                run.awaitFullIsr();
                node.stop();
                node.start();
            }
            return "restarted nodes " + run.cluster().nodeIds();
        }
    },
    /** (d) SIGSTOP the leader of most input partitions (a hung broker) for the long outage, then SIGCONT. */
    INPUT_LEADER_FROZEN {
        @Override
        String apply(ClusterRun run) {
            LocalKafkaBroker node = run.cluster().node(run.cluster().busiestLeader(run.names().input()));
            node.suspend();
            hold(run.longOutage());
            node.resume();
            return "froze node " + node.nodeId();
        }
    },
    /** (e) two of three nodes killed at once: below min.insync.replicas and without a controller quorum. */
    TWO_BROKERS_DOWN {
        @Override
        String apply(ClusterRun run) {
            List<LocalKafkaBroker> two = twoNodes(run);
            two.forEach(LocalKafkaBroker::kill);
            hold(run.longOutage());
            run.cluster().start();
            return "killed nodes " + two.stream().map(LocalKafkaBroker::nodeId).toList();
        }

        @Override
        boolean leavesKafkaUnusable() {
            return true;
        }
    },
    /** (f) as (e), and the processor is killed -9 and restarted while the two are down. */
    TWO_BROKERS_DOWN_AND_PROCESSOR_KILLED {
        @Override
        String apply(ClusterRun run) {
            List<LocalKafkaBroker> two = twoNodes(run);
            two.forEach(LocalKafkaBroker::kill);
            hold(run.longOutage().dividedBy(3));
            run.restartProcessor();
            hold(run.longOutage().minus(run.longOutage().dividedBy(3)));
            run.cluster().start();
            return "killed nodes " + two.stream().map(LocalKafkaBroker::nodeId).toList() + " and the processor";
        }

        @Override
        boolean leavesKafkaUnusable() {
            return true;
        }
    },
    /** Every node killed -9 at once for the long outage, then started together (soak only, beyond the list). */
    ALL_BROKERS_DOWN {
        @Override
        String apply(ClusterRun run) {
            run.cluster().nodes().forEach(LocalKafkaBroker::kill);
            hold(run.longOutage());
            run.cluster().start();
            return "killed nodes " + run.cluster().nodeIds();
        }

        @Override
        boolean leavesKafkaUnusable() {
            return true;
        }
    },
    /** The processor alone killed -9 and restarted (only in the random soak). */
    PROCESSOR_KILLED {
        @Override
        String apply(ClusterRun run) {
            run.restartProcessor();
            return "killed the processor";
        }
    };

    /** Breaks something, waits, mends it; returns what it did. */
    abstract String apply(ClusterRun run);

    /** Whether the processor's outputs stay unwritable for the whole long outage (readiness must go down). */
    boolean leavesKafkaUnusable() {
        return false;
    }

    /** The faults of the issue, (a) to (f). */
    static List<ClusterFault> brokerFaults() {
        return List.of(INPUT_LEADER_KILLED, COORDINATOR_KILLED, ROLLING_RESTART, INPUT_LEADER_FROZEN,
                TWO_BROKERS_DOWN, TWO_BROKERS_DOWN_AND_PROCESSOR_KILLED);
    }

    /** (a) to (f), and the whole cluster down. */
    static List<ClusterFault> soakFaults() {
        List<ClusterFault> all = new java.util.ArrayList<>(brokerFaults());
        all.add(ALL_BROKERS_DOWN);
        return all;
    }

    /** The leader of most input partitions and one more: the outputs lose their in-sync majority too. */
    private static List<LocalKafkaBroker> twoNodes(ClusterRun run) {
        int leader = run.cluster().busiestLeader(run.names().input());
        LocalKafkaBroker other = run.cluster().nodes().stream().filter(n -> n.nodeId() != leader).findFirst()
                .orElseThrow();
        return List.of(run.cluster().node(leader), other);
    }

    /** The fault lasts this long: a deliberate duration, not a wait for some condition. */
    private static void hold(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    interface ClusterRun {
        LocalKafkaCluster cluster();

        StreamFixtures.Names names();

        Duration outage();

        Duration longOutage();

        void awaitFullIsr();

        void restartProcessor();
    }
}
