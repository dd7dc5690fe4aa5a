package dev.headwater.support;

import org.apache.avro.Schema;

/** Avro schemas the tests share. */
public final class Schemas {

    private Schemas() {
    }

    public static final String ORDER_V1 = """
            {"type":"record","name":"OrderPlaced","namespace":"dev.headwater.test","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"},
              {"name":"currency","type":"string"}]}""";

    /** ORDER_V1 plus a field with a default: backward and forward compatible with V1. */
    public static final String ORDER_V2 = """
            {"type":"record","name":"OrderPlaced","namespace":"dev.headwater.test","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"},
              {"name":"currency","type":"string"},
              {"name":"channel","type":"string","default":"web"}]}""";

    /** ORDER_V2 with the default removed: reads V2 data, but not V1 data. */
    public static final String ORDER_V3_NO_DEFAULT = """
            {"type":"record","name":"OrderPlaced","namespace":"dev.headwater.test","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"double"},
              {"name":"currency","type":"string"},
              {"name":"channel","type":"string"}]}""";

    public static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }
}
