package dev.headwater.openlineage;

import dev.headwater.lineage.DatasetEvents;
import dev.headwater.lineage.DatasetUse;
import dev.headwater.lineage.RuleOutcome;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.utils.UUIDUtils;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset events as OpenLineage run events. Each governed client is one run of one job: a producer's job is its
 * application, a consumer's its consumer group. The run STARTs when the client first uses a topic (a RUNNING event adds
 * each further topic) and COMPLETEs when it closes; the topics are its output (producer) or input (consumer) datasets,
 * named {@code kafka://{bootstrap server}} / {@code {topic}} as OpenLineage's naming conventions say, with the contract's
 * schema, ownership, documentation, classifications and rules as facets ({@link RunEvents}).
 *
 * <p>Events are emitted from a thread of their own, in order; an event that cannot be delivered is logged (at most once
 * a minute) and dropped: a lineage server that is down never slows or stops the application. {@link #close()} delivers
 * what is pending for up to five seconds. Thread safe.
 */
public final class OpenLineageDatasetEvents implements DatasetEvents {

    private static final Logger log = LoggerFactory.getLogger(OpenLineageDatasetEvents.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final OpenLineageClient client;
    private final RunEvents events;
    private final ThreadPoolExecutor emitter;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final AtomicLong lastWarning = new AtomicLong();

    /**
     * @param client the OpenLineage client (its transport decides where events go); closed with this
     * @param namespace the jobs' namespace; empty to use each client's tenant (or {@code headwater})
     */
    public OpenLineageDatasetEvents(OpenLineageClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.events = new RunEvents(namespace == null ? "" : namespace);
        this.emitter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024),
                task -> {
                    Thread thread = new Thread(task, "headwater-openlineage");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** One client's run: its id, and the topics it has used so far. */
    private static final class Run {
        final UUID id = UUIDUtils.generateNewUUID();
        final Map<String, DatasetUse> uses = new LinkedHashMap<>();
        final Set<String> completed = new LinkedHashSet<>();
        /** What the client measured of the rules, per topic, reported in the COMPLETE event. */
        final Map<String, List<RuleOutcome>> outcomes = new LinkedHashMap<>();
    }

    @Override
    public void started(DatasetUse use) {
        OpenLineage.RunEvent event;
        synchronized (runs) {
            Run run = runs.computeIfAbsent(RunEvents.jobKey(use), key -> new Run());
            if (run.uses.putIfAbsent(use.topic(), use) != null) {
                return;
            }
            // nothing is checked yet: no data-quality assertions until a rule has checked a record
            event = events.event(run.uses.size() == 1 ? OpenLineage.RunEvent.EventType.START
                    : OpenLineage.RunEvent.EventType.RUNNING, run.id, List.of(use), Map.of(), ZonedDateTime.now());
        }
        emit(event);
    }

    @Override
    public void completed(DatasetUse use) {
        completed(use, List.of());
    }

    /** Completes a topic's use; the COMPLETE event asserts each rule checked, held only if no record broke it. */
    @Override
    public void completed(DatasetUse use, List<RuleOutcome> outcomes) {
        OpenLineage.RunEvent event = null;
        synchronized (runs) {
            String key = RunEvents.jobKey(use);
            Run run = runs.get(key);
            if (run == null) {
                return;
            }
            run.uses.putIfAbsent(use.topic(), use);
            run.completed.add(use.topic());
            if (!outcomes.isEmpty()) {
                run.outcomes.put(use.topic(), List.copyOf(outcomes));
            }
            if (run.completed.containsAll(run.uses.keySet())) {
                runs.remove(key);
                event = events.event(OpenLineage.RunEvent.EventType.COMPLETE, run.id,
                        new ArrayList<>(run.uses.values()), run.outcomes, ZonedDateTime.now());
            }
        }
        if (event != null) {
            emit(event);
        }
    }

    /** Completes the runs still open, delivers what is pending (up to five seconds) and closes the client. */
    @Override
    public void close() {
        List<OpenLineage.RunEvent> remaining = new ArrayList<>();
        synchronized (runs) {
            for (Run run : runs.values()) {
                remaining.add(events.event(OpenLineage.RunEvent.EventType.COMPLETE, run.id,
                        new ArrayList<>(run.uses.values()), run.outcomes, ZonedDateTime.now()));
            }
            runs.clear();
        }
        remaining.forEach(this::emit);
        emitter.shutdown();
        try {
            if (!emitter.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("OpenLineage events still pending after {} were dropped: the transport did not take them",
                        CLOSE_WAIT);
                emitter.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.shutdownNow();
        }
        try {
            client.close();
        } catch (Exception e) {
            warn("closing the OpenLineage client failed", e);
        }
    }

    private void emit(OpenLineage.RunEvent event) {
        try {
            emitter.execute(() -> {
                try {
                    client.emit(event);
                } catch (RuntimeException e) {
                    warn("an OpenLineage event for job " + event.getJob().getName() + " could not be delivered", e);
                }
            });
        } catch (RejectedExecutionException e) {
            warn("an OpenLineage event for job " + event.getJob().getName() + " was dropped: "
                    + (emitter.isShutdown() ? "the client is closed" : "1024 events are waiting for the transport"), e);
        }
    }

    private void warn(String what, Exception e) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > WARN_INTERVAL_NANOS) && lastWarning.compareAndSet(last, now)) {
            log.warn("Headwater: {} ({}); the application goes on without it. (Logged at most once a minute.)", what,
                    e.toString());
        }
    }

    @Override
    public String toString() {
        return "OpenLineageDatasetEvents[" + client + "]";
    }
}
