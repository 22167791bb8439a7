"""Build a job export shaped exactly as Talend Studio's *Build Job* makes one, with the JDK.

The zip holds ``lib/`` (Talend's routines and libraries) beside ``<Job>/``, which holds
``<Job>_run.sh`` (and ``_run.bat``) and the job's own jar. The script starts
``java -Xms… -Xmx… -cp`` over ``../lib/*.jar`` and the job's jar with ``--context=Default``
and passes on the caller's arguments, where Talend reads ``--context=<name>`` and
``--context_param key=value`` (one argument, or two). The job's contexts are properties files
inside its jar. This job prints what reached it, so tests can compare it byte for byte.

Tests build it with the machine's ``javac`` and ``jar``; the embedded demo does not use it,
so the demo needs no JDK.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

_FIXED_TIMESTAMP = (2024, 1, 1, 0, 0, 0)

ROUTINES_JAVA = """\
package routines;

public class TalendString {
    public static String loaded() {
        return "routines.jar from ../lib is on the class path";
    }
}
"""

# Talend's own argument handling (runJobInTOS): "--context_param" may stand alone, its
# "key=value" then following as the next argument.
JOB_JAVA = """\
package %(package)s;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

public class %(job)s {
    private String contextName = "Default";
    private final Map<String, String> overrides = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        System.exit(new %(job)s().runJobInTOS(args));
    }

    private void evalParam(String arg) {
        if (arg.startsWith("--context=")) {
            contextName = arg.substring(10);
        } else if (arg.startsWith("--context_param")) {
            String keyValue = arg.substring(16);
            int index = keyValue.indexOf('=');
            overrides.put(keyValue.substring(0, index), keyValue.substring(index + 1));
        }
    }

    public int runJobInTOS(String[] args) throws Exception {
        String lastStr = "";
        for (String arg : args) {
            if (arg.equalsIgnoreCase("--context_param")) {
                lastStr = arg;
            } else if (lastStr.equals("")) {
                evalParam(arg);
            } else {
                evalParam(lastStr + " " + arg);
                lastStr = "";
            }
        }
        Properties context = new Properties();
        String resource = "/%(package_path)s/contexts/" + contextName + ".properties";
        try (InputStream in = %(job)s.class.getResourceAsStream(resource)) {
            if (in == null) {
                System.err.println("Could not find the context " + contextName);
                return 1;
            }
            context.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            context.setProperty(entry.getKey(), entry.getValue());
        }
        System.out.println("%(job)s (Talend Studio export) on Java " + System.getProperty("java.version"));
        System.out.println(routines.TalendString.loaded());
        System.out.println("TALEND-CONTEXT " + contextName);
        System.out.println("MAX-HEAP-MB " + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.println("ARTIFACT-VERSION " + System.getenv("JOB_ARTIFACT_VERSION"));
        for (String key : new TreeMap<>(context).keySet().stream().map(Object::toString).toList()) {
            String entry = key + "=" + context.getProperty(key);
            StringBuilder hex = new StringBuilder();
            for (byte b : entry.getBytes(StandardCharsets.UTF_8)) {
                hex.append(String.format("%%02x", b & 0xff));
            }
            System.out.println("CONTEXT-HEX \\"" + hex + "\\"");
        }
        return 0;
    }
}
"""

# As Talend 8 writes it: from the job's folder, the job's jar and every library on the class path.
RUN_SH = """\
#!/bin/sh
cd `dirname $0`
ROOT_PATH=`pwd`
java -Dtalend.component.manager.m2.repository=$ROOT_PATH/../lib -Xms64M -Xmx256M -cp .:$ROOT_PATH:$ROOT_PATH/../lib/routines.jar:$ROOT_PATH/%(jar)s: %(package)s.%(job)s --context=Default "$@"
"""

RUN_BAT = """\
%%~d0
cd %%~dp0
java -Xms64M -Xmx256M -cp .;../lib/routines.jar;%(jar)s; %(package)s.%(job)s --context=Default %%*
"""


def build_talend_export(job: str, version: str, contexts: dict[str, dict[str, str]], work: Path) -> bytes:
    """The zip of ``job`` at ``version`` with these contexts (name → properties); needs a JDK."""
    if not (shutil.which("javac") and shutil.which("jar")):
        raise RuntimeError("building a Talend export needs a JDK (javac and jar on PATH)")
    major_minor = "_".join(version.split(".")[:2])
    package = f"local_project.{job.lower()}_{major_minor}"
    package_path = package.replace(".", "/")
    jar_name = f"{job.lower()}_{major_minor}.jar"
    sources, classes = work / "src", work / "classes"
    routines_classes, lib = work / "routines", work / "lib"
    for folder in (sources / package_path, sources / "routines", classes, routines_classes, lib):
        folder.mkdir(parents=True, exist_ok=True)
    (sources / "routines" / "TalendString.java").write_text(ROUTINES_JAVA, encoding="utf-8")
    values = {"package": package, "package_path": package_path, "job": job, "jar": jar_name}
    (sources / package_path / f"{job}.java").write_text(JOB_JAVA % values, encoding="utf-8")
    _run(["javac", "-d", str(routines_classes), str(sources / "routines" / "TalendString.java")])
    _run(["jar", "--create", "--file", str(lib / "routines.jar"), "-C", str(routines_classes), "."])
    _run(
        [
            "javac",
            "-encoding",
            "UTF-8",
            "-cp",
            str(lib / "routines.jar"),
            "-d",
            str(classes),
            str(sources / package_path / f"{job}.java"),
        ]
    )
    for name, properties in contexts.items():
        context_file = classes / package_path / "contexts" / f"{name}.properties"
        context_file.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{key}={_escaped(value)}\n" for key, value in properties.items())
        context_file.write_text(lines, encoding="ascii")
    _run(["jar", "--create", "--file", str(work / jar_name), "-C", str(classes), "."])
    entries = {
        f"{job}/{job}_run.sh": RUN_SH % values,
        f"{job}/{job}_run.bat": RUN_BAT % values,
        f"{job}/{jar_name}": (work / jar_name).read_bytes(),
        "lib/routines.jar": (lib / "routines.jar").read_bytes(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, _FIXED_TIMESTAMP)
            info.external_attr = (0o755 if name.endswith(".sh") else 0o644) << 16
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _escaped(value: str) -> str:
    """A properties value: non-Latin-1 characters as \\uXXXX, as Talend writes them."""
    return "".join(c if ord(c) < 128 and c not in "\\\n" else f"\\u{ord(c):04x}" for c in value)


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True)
