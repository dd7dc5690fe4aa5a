/**
 * Reading the YAML files Headwater defines (data contracts, tenant policies, cost models) one way, with file and line
 * in every problem: {@link dev.headwater.yaml.YamlTree}.
 */
package dev.headwater.yaml;
