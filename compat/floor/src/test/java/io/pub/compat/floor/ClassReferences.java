package io.pub.compat.floor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes, methods and fields one class file refers to, read from its constant pool: what the
 * JVM links when the code runs. Enough of the class file format to find them, nothing more.
 */
record ClassReferences(String className, List<String> classes, List<Member> members) {

    /** A method or field of {@code owner} (internal name), with its JVM descriptor. */
    record Member(String owner, String name, String descriptor, boolean method) {
        @Override
        public String toString() {
            return owner.replace('/', '.') + (method ? "." : "#") + name + descriptor;
        }
    }

    static ClassReferences read(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        Object[] pool = new Object[count];
        int[] tags = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case 1 -> pool[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two entries
                }
                case 7, 8, 16, 19, 20 -> pool[i] = new int[] {in.readUnsignedShort()};
                case 9, 10, 11, 12, 17, 18 -> pool[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 15 -> {
                    in.readUnsignedByte();
                    pool[i] = new int[] {in.readUnsignedShort()};
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort(); // access flags
        String self = utf(pool, ((int[]) pool[in.readUnsignedShort()])[0]);
        List<String> classes = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == 7) {
                classes.add(utf(pool, ((int[]) pool[i])[0]));
            } else if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
                int[] ref = (int[]) pool[i];
                String owner = utf(pool, ((int[]) pool[ref[0]])[0]);
                int[] nameAndType = (int[]) pool[ref[1]];
                members.add(new Member(owner, utf(pool, nameAndType[0]), utf(pool, nameAndType[1]), tags[i] != 9));
            }
        }
        return new ClassReferences(self, classes, members);
    }

    private static String utf(Object[] pool, int index) {
        return (String) pool[index];
    }
}
