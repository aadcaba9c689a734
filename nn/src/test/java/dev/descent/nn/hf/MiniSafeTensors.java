package dev.descent.nn.hf;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal safetensors reader and writer for the tests, written from the format's description and sharing no code
 * with descent's: the writer lists the header's keys sorted by name but lays the data out in reverse order, as
 * nothing in descent does, so a reader that confused the two would fail.
 */
final class MiniSafeTensors {
    /** One tensor: dtype, shape, and its raw little-endian bytes. */
    record Raw(String dtype, int[] shape, byte[] bytes) {
        static Raw f32(int[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return new Raw("F32", shape, b.array());
        }

        float[] floats() {
            float[] v = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            return v;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Raw r && dtype.equals(r.dtype) && Arrays.equals(shape, r.shape)
                    && Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape) + " (" + bytes.length + " bytes)";
        }
    }

    private MiniSafeTensors() {
    }

    static void write(Path file, Map<String, Raw> tensors, Map<String, String> metadata) throws IOException {
        List<String> dataOrder = new ArrayList<>(tensors.keySet());
        java.util.Collections.reverse(dataOrder);
        Map<String, long[]> offsets = new LinkedHashMap<>();
        long at = 0;
        for (String name : dataOrder) {
            offsets.put(name, new long[] {at, at + tensors.get(name).bytes().length});
            at += tensors.get(name).bytes().length;
        }
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            new TreeMap<>(metadata).forEach((k, v) -> json.append('"').append(k).append("\":\"").append(v).append("\","));
            json.setLength(json.length() - 1);
            json.append("},");
        }
        for (String name : new TreeMap<>(tensors).keySet()) {
            Raw t = tensors.get(name);
            json.append('"').append(name).append("\":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":")
                    .append(Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offsets.get(name)[0]).append(',').append(offsets.get(name)[1]).append("]},");
        }
        json.setLength(json.length() - 1);
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        for (String name : dataOrder) {
            out.writeBytes(tensors.get(name).bytes());
        }
        Files.write(file, out.toByteArray());
    }

    /** Every tensor of the file, in header order. */
    static Map<String, Raw> read(Path file) throws IOException {
        return readWithMetadata(file, new LinkedHashMap<>());
    }

    /** Every tensor of the file, in header order; its metadata goes into {@code metadata}. */
    static Map<String, Raw> readWithMetadata(Path file, Map<String, String> metadata) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(all, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
        Map<String, Raw> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            JsonObject o = e.getValue().getAsJsonObject();
            if (e.getKey().equals("__metadata__")) {
                o.entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                continue;
            }
            int[] shape = new int[o.getAsJsonArray("shape").size()];
            Arrays.setAll(shape, i -> o.getAsJsonArray("shape").get(i).getAsInt());
            int begin = 8 + n + o.getAsJsonArray("data_offsets").get(0).getAsInt();
            int end = 8 + n + o.getAsJsonArray("data_offsets").get(1).getAsInt();
            tensors.put(e.getKey(), new Raw(o.get("dtype").getAsString(), shape, Arrays.copyOfRange(all, begin, end)));
        }
        return tensors;
    }
}
