/**
 * Spring Boot auto-configuration of Headwater: {@link dev.headwater.spring.boot.HeadwaterAutoConfiguration} from
 * {@code headwater.*} keys ({@link dev.headwater.spring.boot.HeadwaterProperties}) and an Actuator health indicator.
 */
package dev.headwater.spring.boot;
