package dev.headwater.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link HeadwaterTest}: starts the in-process Kafka cluster for a test class (on first
 * use), or reuses
 * the one shared by the whole run, and injects it into parameters of type {@link EmbeddedKafkaCluster}; likewise an
 * in-process schema registry, started on first use, into parameters of type {@link EmbeddedSchemaRegistry}. Clusters are
 * closed when the class (or the run) ends, through JUnit's store.
 */
public final class HeadwaterExtension implements ParameterResolver, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HeadwaterExtension.class);

    /** Creates the extension; JUnit does this for classes annotated with {@link HeadwaterTest}. */
    public HeadwaterExtension() {
    }

    /** Skips, with the reason, test classes in Testcontainers mode when there is no Docker engine. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestClass().isEmpty()
                || AnnotationSupport.findAnnotation(context.getTestClass().get(), HeadwaterTest.class).isEmpty()
                || mode(settings(context)) != HeadwaterTest.Mode.CONTAINERS
                || HeadwaterEnvironment.dockerAvailable()) {
            return ConditionEvaluationResult.enabled("Headwater environment available");
        }
        return ConditionEvaluationResult.disabled(HeadwaterEnvironment.NO_DOCKER);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafkaCluster.class || type == EmbeddedSchemaRegistry.class
                || type == HeadwaterEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (type == HeadwaterEnvironment.class) {
            return environment(extensionContext);
        }
        if (mode(settings(extensionContext)) == HeadwaterTest.Mode.CONTAINERS) {
            throw new ParameterResolutionException(type.getSimpleName() + " is in-process only; in Testcontainers "
                    + "mode declare a HeadwaterEnvironment parameter instead");
        }
        if (type == EmbeddedSchemaRegistry.class) {
            return registry(extensionContext);
        }
        return cluster(extensionContext);
    }

    private static EmbeddedKafkaCluster cluster(ExtensionContext context) {
        HeadwaterTest settings = settings(context);
        ExtensionContext owner = owner(context, settings);
        // Stores inherit from their parents: a scope-specific key keeps a class-scoped cluster from finding the run's.
        String key = "kafka-" + settings.scope() + "-" + settings.brokers();
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(key,
                k -> EmbeddedKafkaCluster.builder().brokers(settings.brokers()).build().start(),
                EmbeddedKafkaCluster.class);
    }

    /** The Kafka image of the Testcontainers mode; override with the system property headwater.testkit.kafka.image. */
    static final String KAFKA_IMAGE = System.getProperty("headwater.testkit.kafka.image", "apache/kafka:4.1.1");
    /** The registry image of the Testcontainers mode; override with headwater.testkit.registry.image. */
    static final String REGISTRY_IMAGE = System.getProperty("headwater.testkit.registry.image",
            "confluentinc/cp-schema-registry:8.1.0");

    private static HeadwaterEnvironment environment(ExtensionContext context) {
        HeadwaterTest settings = settings(context);
        HeadwaterTest.Mode mode = mode(settings);
        if (mode == HeadwaterTest.Mode.CONTAINERS) {
            return owner(context, settings).getStore(NAMESPACE).getOrComputeIfAbsent("containers-" + settings.scope(),
                    k -> HeadwaterEnvironment.containers(KAFKA_IMAGE, REGISTRY_IMAGE), HeadwaterEnvironment.class);
        }
        EmbeddedKafkaCluster kafka = cluster(context);
        EmbeddedSchemaRegistry registry = registry(context);
        return owner(context, settings).getStore(NAMESPACE).getOrComputeIfAbsent("environment-" + settings.scope()
                + "-" + settings.brokers(), k -> new HeadwaterEnvironment(kafka.bootstrapServers(), registry.url(),
                () -> { }), HeadwaterEnvironment.class);
    }

    private static HeadwaterTest.Mode mode(HeadwaterTest settings) {
        String property = System.getProperty("headwater.testkit.mode", "");
        return switch (property.toLowerCase(java.util.Locale.ROOT)) {
            case "containers", "testcontainers" -> HeadwaterTest.Mode.CONTAINERS;
            case "embedded" -> HeadwaterTest.Mode.EMBEDDED;
            default -> settings.mode();
        };
    }

    private static EmbeddedSchemaRegistry registry(ExtensionContext context) {
        HeadwaterTest settings = settings(context);
        return owner(context, settings).getStore(NAMESPACE).getOrComputeIfAbsent("registry-" + settings.scope(),
                k -> EmbeddedSchemaRegistry.start(), EmbeddedSchemaRegistry.class);
    }

    private static HeadwaterTest settings(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        return AnnotationSupport.findAnnotation(testClass, HeadwaterTest.class)
                .orElseThrow(() -> new ParameterResolutionException(testClass.getName()
                        + " uses HeadwaterExtension without @HeadwaterTest: annotate the class with @HeadwaterTest"));
    }

    private static ExtensionContext owner(ExtensionContext context, HeadwaterTest settings) {
        return settings.scope() == HeadwaterTest.Scope.RUN ? context.getRoot() : classContext(context);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
