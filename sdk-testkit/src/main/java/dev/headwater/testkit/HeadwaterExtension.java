package dev.headwater.testkit;

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
public final class HeadwaterExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HeadwaterExtension.class);

    /** Creates the extension; JUnit does this for classes annotated with {@link HeadwaterTest}. */
    public HeadwaterExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EmbeddedKafkaCluster.class || type == EmbeddedSchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == EmbeddedSchemaRegistry.class) {
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
