package dev.headwater.testkit;

import dev.headwater.HeadwaterException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates a topic and waits until the leader of every partition answers for it. Without the wait, an idempotent
 * producer that sends right after the topic was created can have its first batch refused by a broker that has not
 * opened the partition yet ({@code NOT_LEADER_OR_FOLLOWER}), see later batches accepted, and then retry the first one
 * behind them until its delivery timeout ({@code OutOfOrderSequenceException}). Metadata naming a leader is not
 * enough: the leader may not have loaded the partition yet, so each leader is asked for the partition's end offset
 * (a request only the leader answers). Benchmarks and tests that bring their own cluster use it too.
 */
public final class TopicCreation {

    private static final long POLL_MILLIS = 20;

    private TopicCreation() {
    }

    /**
     * Creates a topic unless it exists, then waits until the leader of every partition answers.
     *
     * @param admin the admin client
     * @param topic the topic
     * @param timeout how long creating and waiting may take together
     * @throws HeadwaterException naming the topic when the cluster refuses it, or when a partition has no leader in time
     */
    public static void createAndAwaitLeaders(Admin admin, NewTopic topic, Duration timeout) {
        String name = topic.name();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            try {
                admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new HeadwaterException("Could not create topic '" + name + "' with "
                            + topic.numPartitions() + " partition(s) and replication factor "
                            + topic.replicationFactor() + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
            while (!everyPartitionHasALeader(admin, name) || !everyLeaderAnswers(admin, name)) {
                if (System.nanoTime() > deadline) {
                    throw new HeadwaterException("Topic '" + name + "' still has a partition without a leader "
                            + timeout + " after it was created; is every broker of the cluster up?");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeadwaterException("Interrupted while creating topic '" + name + "'", e);
        } catch (TimeoutException e) {
            throw new HeadwaterException("Topic '" + name + "' was not created within " + timeout, e);
        }
    }

    private static boolean everyLeaderAnswers(Admin admin, String name) throws InterruptedException {
        try {
            TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
            Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
            description.partitions().forEach(p -> partitions.put(new TopicPartition(name, p.partition()),
                    OffsetSpec.latest()));
            admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) POLL_MILLIS * 10)).all().get();
            return true;
        } catch (ExecutionException e) {
            return false; // a leader that has not loaded the partition yet answers NOT_LEADER_OR_FOLLOWER
        }
    }

    private static boolean everyPartitionHasALeader(Admin admin, String name) throws InterruptedException {
        try {
            TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
            return description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            return false; // not in the broker's metadata yet
        }
    }
}
