package dev.headwater.spring.boot;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.utils.AppInfoParser;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * What the starter checks whether or not Headwater is switched on, so that a mistake never turns it off silently:
 * {@code headwater.*} settings given without {@code headwater.application.name} (the switch, perhaps misspelt) stop
 * startup naming them, and a Kafka client older than Headwater supports stops it naming the version to set.
 */
@AutoConfiguration(before = HeadwaterAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
public class HeadwaterStartupChecks {

    /** The oldest Kafka client Headwater runs on: the 4.x line's API. */
    static final int[] OLDEST_KAFKA = {4, 0};

    /** Creates the checks; Spring does. */
    public HeadwaterStartupChecks() {
    }

    /**
     * @param environment the application's settings
     * @return a marker that the checks passed
     * @throws IllegalStateException naming the settings given without the switch, or the Kafka version to set
     */
    @Bean
    Checked headwaterStartupChecked(Environment environment) {
        checkSwitch(environment);
        checkKafka(AppInfoParser.getVersion());
        return new Checked();
    }

    static void checkSwitch(Environment environment) {
        TreeSet<String> given = new TreeSet<>();
        ConfigurationPropertyName prefix = ConfigurationPropertyName.of("headwater");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                StreamSupport.stream(iterable.spliterator(), false).filter(prefix::isAncestorOf)
                        .forEach(name -> given.add(name.toString()));
            }
        }
        if (!given.isEmpty() && !given.contains("headwater.application.name")) {
            throw new IllegalStateException("Headwater settings are given (" + String.join(", ", given) + ") but "
                    + "not headwater.application.name, which switches Headwater on: without it these settings do "
                    + "nothing. Set headwater.application.name (check its spelling), or remove the headwater.* "
                    + "settings");
        }
    }

    static void checkKafka(String version) {
        List<Integer> parts = StreamSupport.stream(java.util.Arrays.spliterator(version.split("[.-]")), false)
                .limit(2).map(part -> part.matches("\\d+") ? Integer.parseInt(part) : -1).toList();
        if (parts.size() < 2 || parts.contains(-1)) {
            return; // a build of its own: nothing to compare
        }
        if (parts.get(0) < OLDEST_KAFKA[0] || parts.get(0) == OLDEST_KAFKA[0] && parts.get(1) < OLDEST_KAFKA[1]) {
            throw new IllegalStateException("Headwater needs kafka-clients " + OLDEST_KAFKA[0] + "." + OLDEST_KAFKA[1]
                    + " or newer; this application has " + version + ". With Spring Boot, set the Maven property "
                    + "kafka.version (or Gradle's ext['kafka.version']) to the version Spring Boot manages, 4.1.2 for "
                    + "Spring Boot 4.0, or newer");
        }
    }

    /** Says the checks ran. */
    static final class Checked {
    }
}
