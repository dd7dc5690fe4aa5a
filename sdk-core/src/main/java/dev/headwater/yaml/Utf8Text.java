package dev.headwater.yaml;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads configuration text (contracts, schemas, policies, examples) as UTF-8, refusing bytes that are not UTF-8 with
 * the line and byte where they are, instead of the JDK's "Input length = 1" or silent replacement characters.
 */
public final class Utf8Text {

    private Utf8Text() {
    }

    /**
     * @param file a file
     * @return its text
     * @throws IOException when it cannot be read, or is not UTF-8 (naming the file, line and byte)
     */
    public static String read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /**
     * @param bytes the bytes of a text
     * @param source its name for the message
     * @return the text
     * @throws IOException when the bytes are not UTF-8, naming the line and byte
     */
    public static String decode(byte[] bytes, String source) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new IOException(source + ":" + line + ": is not UTF-8 text: byte " + at + " (0x"
                    + String.format("%02X", bytes[at] & 0xFF) + ") starts no UTF-8 character; save the file as UTF-8");
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
