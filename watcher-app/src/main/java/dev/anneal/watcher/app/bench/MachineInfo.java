package dev.anneal.watcher.app.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The facts about the JVM and the machine that a benchmark figure is meaningless without.
 *
 * @param java            {@code java.version} and the VM name/version
 * @param processors      {@link Runtime#availableProcessors()}
 * @param maxHeapBytes    {@link Runtime#maxMemory()}
 * @param physicalBytes   total physical memory, or -1 when the platform does not say
 * @param os              OS name, version and architecture
 * @param cpu             the CPU model ({@code /proc/cpuinfo}), or "unknown"
 * @param gc              the garbage collectors in use
 * @param jvmArguments    the JVM's input arguments ({@code -Xmx4g} ...)
 */
public record MachineInfo(String java, int processors, long maxHeapBytes, long physicalBytes, String os, String cpu,
        String gc, List<String> jvmArguments) {

    public MachineInfo {
        jvmArguments = List.copyOf(jvmArguments);
    }

    /** The facts of the running JVM. */
    public static MachineInfo current() {
        String java = System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.vm.version") + ", " + System.getProperty("java.vendor") + ")";
        long physical = -1;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            physical = sun.getTotalMemorySize();
        }
        String osText = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")";
        String gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        return new MachineInfo(java, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(),
                physical, osText, cpuModel(), gc, ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The 1-minute system load average, negative if the platform does not say. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** CPU time the whole process has used, in nanoseconds (0 where the JVM does not say). */
    public static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? "unknown" : line.substring(colon + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
