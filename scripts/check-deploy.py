#!/usr/bin/env python3
"""Static checks of deploy/: no Docker daemon and no cluster needed (`make check-deploy`).

What it checks
  * every YAML and JSON file under deploy/ parses (deploy/.env, which holds real secrets, is never read);
  * compose.yml: build contexts and Dockerfiles exist, build args match the Dockerfiles' ARGs,
    depends_on targets exist and have what their condition needs, bind-mount sources exist,
    scalable services have no container_name or published ports;
  * Dockerfiles: every COPY/ADD source exists in the build context, base images are pinned, the
    final user is not root, the gateway image has a /healthz HEALTHCHECK;
  * environment: every variable the code reads (env("NAME"...), os.environ / os.getenv, ${NAME:...}
    in nameko config.yml) is set for each deployed service in compose.yml and in the Kubernetes
    manifests; compose sets nothing the code does not read; .env.example documents exactly the
    variables compose interpolates, with the required secrets left empty;
  * Kubernetes: apiVersion/kind/metadata.name, namespaces, ConfigMap/Secret references, selectors,
    HPA targets, kustomization resources, the embedded RabbitMQ definitions equal the file;
  * images are pinned (no :latest, no missing tag) in compose, Dockerfiles and Kubernetes;
  * the gunicorn and nameko commands name modules (and a WSGI attribute) that exist, the nameko
    service class carries the name the gateway calls, and `python -m MODULE` in a command (e.g. a
    migration job's seed) names a module the image installs; a one-shot container must get the
    variables its migrations and that module read;
  * every service the gateway calls (gateway/gateway/rpc.py SERVICES, which /healthz pings) runs in
    compose and in a Kubernetes Deployment, and the compose gateway depends_on it;
  * RabbitMQ policies: the RPC request TTL is not shorter than RPC_TIMEOUT, reply queues are untouched.
Then, when installed, hadolint, `docker compose config` and `kubectl kustomize` (else skipped).

Usage: python scripts/check-deploy.py [--root REPO] [--deploy-dir DIR] [--no-tools] [--strict]
Exit status 0 when everything holds, 1 with one line per problem otherwise. Warnings (checks that
could not be made) are printed and fail only with --strict.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-deploy: needs PyYAML; run it with the project's venv: .venv/bin/python scripts/check-deploy.py")

VAR = r"[A-Z][A-Z0-9_]*"
# How the code reads the environment (services/common/ausm_common/config.py and plain os.environ).
PY_ENV_READS = [
    re.compile(r"""\benv(?:_int|_bool)?\(\s*["'](%s)["']""" % VAR),
    re.compile(r"""os\.environ\.get\(\s*["'](%s)["']""" % VAR),
    re.compile(r"""os\.environ\[\s*["'](%s)["']\s*\]""" % VAR),
    re.compile(r"""os\.getenv\(\s*["'](%s)["']""" % VAR),
]
# nameko's config.yml substitution: ${NAME} or ${NAME:default}.
CONFIG_ENV_READ = re.compile(r"\$\{(%s)(?::[^}]*)?\}" % VAR)
# Shell / Dockerfile variable uses: $NAME or ${NAME...}.
SHELL_VAR = re.compile(r"\$\{?(%s)" % VAR)

SERVICE_DOCKERFILE = "Dockerfile.service"   # one image per nameko service, build arg SERVICE
GATEWAY_DOCKERFILE = "Dockerfile.gateway"
ONE_SHOT_COMMANDS = {"migrate", "wait-migrated"}   # deploy/entrypoint-service.sh sub-commands
SKIP_DIRS = {"__pycache__", "build", "dist", "node_modules"}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
CLUSTER_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                 "PersistentVolume", "StorageClass", "PriorityClass"}


def rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


# --- compose-style interpolation --------------------------------------------------------------

def _split_braced(text: str, start: int) -> tuple[str, int]:
    """text[start] is just after '${': return the body up to the matching '}' and the index after it."""
    depth, i = 1, start
    while i < len(text):
        if text.startswith("${", i):
            depth, i = depth + 1, i + 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start:i], i + 1
        i += 1
    raise ValueError(f"unclosed ${{ in {text!r}")


def interpolate(text: str, env: dict[str, str], seen: set[str] | None = None) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR:+alt}, $VAR and $$.

    `seen` collects the variable names referenced (defaults included)."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            body, i = _split_braced(text, i + 2)
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$", body, re.S)
            if not m:
                raise ValueError(f"bad variable reference ${{{body}}}")
            name, op, arg = m.group(1), m.group(2), m.group(3) or ""
            if seen is not None:
                seen.add(name)
            value, is_set = env.get(name), name in env
            if op in (":-", "-"):
                use_default = (not value) if op == ":-" else (not is_set)
                out.append(interpolate(arg, env, seen) if use_default else value)
            elif op in (":+", "+"):
                active = bool(value) if op == ":+" else is_set
                out.append(interpolate(arg, env, seen) if active else "")
            else:  # plain or :? / ? (required): the value, or nothing
                out.append(value or "")
        elif text[i] == "$" and re.match(r"[A-Za-z_]", text[i + 1:i + 2]):
            m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[i + 1:])
            if seen is not None:
                seen.add(m.group(0))
            out.append(env.get(m.group(0), ""))
            i += 1 + len(m.group(0))
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def required_vars(text: str) -> set[str]:
    """Variables used as ${VAR:?...} / ${VAR?...}."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text))


def walk_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield key
            yield from walk_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_strings(item)


# --- Dockerfiles -------------------------------------------------------------------------------

@dataclass
class Instruction:
    line: int
    op: str
    args: str


def parse_dockerfile(path: Path) -> list[Instruction]:
    out, buf, start = [], "", None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # blank lines and comments, also inside a continued instruction
        if start is None:
            start = number
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        op, _, args = buf.partition(" ")
        out.append(Instruction(start, op.upper(), args.strip()))
        buf, start = "", None
    return out


def exec_form(args: str) -> list[str] | None:
    if args.startswith("["):
        try:
            value = json.loads(args)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return value
        except json.JSONDecodeError:
            return None
    return None


def image_problem(ref: str) -> str | None:
    """None when the image reference is pinned (a tag other than latest, or a digest)."""
    if not ref or "$" in ref:
        return f"image {ref!r} is not fully resolved"
    if "@sha256:" in ref:
        return None
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image {ref!r} has no tag (that means :latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return f"image {ref!r} uses :latest"
    return None


def image_repo(ref: str) -> str:
    ref = ref.split("@", 1)[0]
    head, _, last = ref.rpartition("/")
    return (head + "/" if head else "") + last.split(":", 1)[0]


# --- the checker -------------------------------------------------------------------------------

@dataclass
class Unit:
    """Something deployed from this repository: a nameko service or the gateway."""
    kind: str                     # "service" | "gateway"
    name: str
    code_dirs: list[Path]
    reads: dict[str, str] = field(default_factory=dict)            # variable -> first file reading it
    migration_reads: dict[str, str] = field(default_factory=dict)  # read by migrations/ (alembic)
    images: set[str] = field(default_factory=set)                  # image repositories
    dockerfile: Path | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    image_text: str = ""          # Dockerfile instructions + scripts it copies from deploy/
    arg_values: dict[str, str] = field(default_factory=dict)       # the image's ARGs, resolved
    compose_services: list[str] = field(default_factory=list)


class Checker:
    def __init__(self, root: Path, deploy: Path, run_tools: bool, strict: bool = False):
        self.root, self.deploy, self.run_tools, self.strict = root.resolve(), deploy.resolve(), run_tools, strict
        self.problems: list[str] = []
        self.warnings: list[str] = []   # fatal only with --strict
        self.notes: list[str] = []
        self.skipped: list[str] = []
        self.yaml_docs: dict[Path, list] = {}
        self.json_docs: dict[Path, object] = {}
        self.units: dict[str, Unit] = {}
        self.env_example: dict[str, str] = {}
        self.compose: dict = {}
        self.compose_path: Path | None = None
        self.launcher_vars: set[str] = set()
        self.k8s_objects: list[tuple[Path, dict]] = []

    def problem(self, where: Path | str, message: str):
        where = rel(where, self.root) if isinstance(where, Path) else where
        self.problems.append(f"{where}: {message}")

    def r(self, path: Path) -> str:
        return rel(path, self.root)

    # 1. parse everything ----------------------------------------------------------------------
    def load_files(self):
        if not self.deploy.is_dir():
            self.problem(self.deploy, "no such directory")
            return
        for path in sorted(self.deploy.rglob("*")):
            if not path.is_file() or path.name == ".env":
                continue
            if path.suffix in (".yml", ".yaml"):
                try:
                    self.yaml_docs[path] = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
                except yaml.YAMLError as exc:
                    self.problem(path, f"invalid YAML: {exc}".replace("\n", " "))
            elif path.suffix == ".json":
                try:
                    self.json_docs[path] = json.loads(path.read_text())
                except json.JSONDecodeError as exc:
                    self.problem(path, f"invalid JSON: {exc}")
        example = self.deploy / ".env.example"
        if not example.is_file():
            self.problem(example, "missing: it documents the variables compose.yml reads")
            return
        for number, line in enumerate(example.read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
            if not m:
                self.problem(example, f"line {number}: not NAME=value: {line!r}")
            elif m.group(1) in self.env_example:
                self.problem(example, f"line {number}: {m.group(1)} is listed twice")
            else:
                self.env_example[m.group(1)] = m.group(2).strip().strip("'\"")

    # 2. what the code reads -------------------------------------------------------------------
    def code_reads(self, directory: Path) -> dict[str, str]:
        """Variables read by the code under `directory` (or in the one file `directory`)."""
        reads: dict[str, str] = {}
        if directory.is_file():
            self.file_reads(directory, reads)
            return reads
        if not directory.is_dir():
            return reads
        for dirpath, dirnames, filenames in os.walk(directory, followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
            for filename in sorted(filenames):
                self.file_reads(Path(dirpath) / filename, reads)
        return reads

    def file_reads(self, path: Path, reads: dict[str, str]):
        suffix = path.suffix
        if suffix not in (".py", ".yml", ".yaml", ".ini", ".cfg"):
            return
        lines = [ln for ln in path.read_text(errors="replace").splitlines()
                 if not ln.lstrip().startswith(("#", ";"))]
        text = "\n".join(lines)
        patterns = PY_ENV_READS if suffix == ".py" else [CONFIG_ENV_READ]
        for pattern in patterns:
            for name in pattern.findall(text):
                reads.setdefault(name, self.r(path))

    # `python -m MODULE` inside a command (e.g. a migration job's `migrate python -m profiles.seed`).
    @staticmethod
    def python_modules(command) -> list[str]:
        if not command:
            return []
        tokens = [str(t) for t in command] if isinstance(command, list) else shlex.split(str(command))
        modules = []
        for i, token in enumerate(tokens):
            if not re.fullmatch(r"(?:\S*/)?python(?:3(?:\.\d+)?)?", token):
                continue
            rest = tokens[i + 1:]
            for j, arg in enumerate(rest):
                if arg == "-m" and j + 1 < len(rest):
                    modules.append(rest[j + 1])
                    break
                if not arg.startswith("-"):
                    break
        return modules

    @staticmethod
    def module_file(unit: Unit, module: str) -> Path | None:
        """The file `python -m module` runs, looked up in the unit's code directories."""
        for directory in unit.code_dirs:
            base = directory / Path(*module.split("."))
            for candidate in (base.with_suffix(".py"), base / "__main__.py"):
                if candidate.is_file():
                    return candidate
        return None

    def one_shot_reads(self, unit: Unit, command) -> dict[str, str]:
        """What a one-shot container needs: the migrations' variables, plus those of any module it runs."""
        reads = dict(unit.migration_reads)
        for module in self.python_modules(command):
            file = self.module_file(unit, module)
            if file is not None:
                for name, where in self.code_reads(file).items():
                    reads.setdefault(name, where)
        return reads

    # 3. compose -------------------------------------------------------------------------------
    def check_compose(self):
        candidates = [self.deploy / n for n in ("compose.yml", "compose.yaml", "docker-compose.yml")]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            self.problem(self.deploy, "no compose.yml")
            return
        self.compose_path = path
        docs = self.yaml_docs.get(path)
        if not docs or not isinstance(docs[0], dict) or not isinstance(docs[0].get("services"), dict):
            if path in self.yaml_docs:
                self.problem(path, "has no services mapping")
            return
        self.compose = docs[0]
        services: dict = self.compose["services"]

        # Interpolation: every referenced variable documented in .env.example, and the reverse.
        referenced: set[str] = set()
        strings = list(walk_strings(self.compose))
        for text in strings:
            try:
                interpolate(text, {}, referenced)
            except ValueError as exc:
                self.problem(path, str(exc))
        for name in sorted(referenced - set(self.env_example)):
            self.problem(path, f"interpolates ${{{name}}}, which .env.example does not document")
        for name in sorted(set(self.env_example) - referenced):
            self.problem(self.deploy / ".env.example", f"{name} is not used by {path.name}")
        for name in sorted(set().union(*(required_vars(t) for t in strings)) if strings else set()):
            if self.env_example.get(name):
                self.problem(self.deploy / ".env.example",
                             f"{name} is a required secret (${{{name}:?}}) but has an example value: leave it empty")
        values = {k: v for k, v in self.env_example.items() if v}

        def expand(value):
            try:
                return interpolate(str(value), values)
            except ValueError:
                return str(value)

        declared_volumes = set((self.compose.get("volumes") or {}).keys())
        for name, svc in services.items():
            where = f"{self.r(path)}: service {name!r}"
            if not isinstance(svc, dict):
                self.problems.append(f"{where}: not a mapping")
                continue
            if svc.get("image"):
                issue = image_problem(expand(svc["image"]))
                if issue:
                    self.problems.append(f"{where}: {issue}")
            elif not svc.get("build"):
                self.problems.append(f"{where}: neither image nor build")
            if svc.get("build"):
                self.compose_build(path, name, svc, expand)
            # depends_on
            deps = svc.get("depends_on") or {}
            if isinstance(deps, list):
                deps = {d: {"condition": "service_started"} for d in deps}
            for dep, spec in deps.items():
                condition = (spec or {}).get("condition", "service_started")
                target = services.get(dep)
                if target is None:
                    self.problems.append(f"{where}: depends_on unknown service {dep!r}")
                    continue
                if condition == "service_healthy" and not self.has_healthcheck(path, target):
                    self.problems.append(f"{where}: waits for {dep!r} to be healthy, but {dep!r} has no healthcheck")
                elif condition == "service_completed_successfully" and \
                        str(target.get("restart", "no")) not in ("no", "on-failure"):
                    self.problems.append(f"{where}: waits for {dep!r} to complete, but {dep!r} restarts "
                                         f"({target.get('restart')})")
                elif condition not in ("service_started", "service_healthy", "service_completed_successfully"):
                    self.problems.append(f"{where}: unknown depends_on condition {condition!r}")
            # volumes
            for volume in svc.get("volumes") or []:
                source = volume.get("source", "") if isinstance(volume, dict) else str(volume).split(":", 1)[0]
                source = expand(source)
                if source.startswith((".", "/", "~")):
                    if not source.startswith(("/", "~")) and not (path.parent / source).exists():
                        self.problems.append(f"{where}: bind-mount source {source!r} does not exist "
                                             f"(relative to {self.r(path.parent)})")
                elif source and source not in declared_volumes:
                    self.problems.append(f"{where}: named volume {source!r} is not declared under volumes:")

        # Services that run one of our images without a build section share its unit.
        for name, svc in services.items():
            if svc.get("build") or not svc.get("image"):
                continue
            repo = image_repo(expand(svc["image"]))
            for unit in self.units.values():
                if repo in unit.images:
                    unit.compose_services.append(name)

    def has_healthcheck(self, compose_path: Path, svc: dict) -> bool:
        check = svc.get("healthcheck")
        if isinstance(check, dict):
            return not check.get("disable") and check.get("test") not in (None, ["NONE"])
        build = svc.get("build")
        if build:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            file = (compose_path.parent / context / dockerfile)
            if file.is_file():
                return any(i.op == "HEALTHCHECK" and not i.args.upper().startswith("NONE")
                           for i in parse_dockerfile(file))
        return False

    def compose_build(self, compose_path: Path, name: str, svc: dict, expand):
        where = f"{self.r(compose_path)}: service {name!r}"
        build = svc["build"]
        if isinstance(build, str):
            build = {"context": build}
        context = (compose_path.parent / expand(build.get("context", "."))).resolve()
        if not context.is_dir():
            self.problems.append(f"{where}: build context {build.get('context')!r} does not exist")
            return
        dockerfile = (context / expand(build.get("dockerfile", "Dockerfile"))).resolve()
        if not dockerfile.is_file():
            self.problems.append(f"{where}: Dockerfile {build.get('dockerfile')!r} not found in {self.r(context)}")
            return
        args = build.get("args") or {}
        if isinstance(args, list):
            args = dict(a.split("=", 1) if "=" in a else (a, "") for a in args)
        args = {k: expand(v) for k, v in args.items()}
        arg_values = self.check_dockerfile(dockerfile, context, args, where) or {}

        if dockerfile.name == SERVICE_DOCKERFILE:
            service = args.get("SERVICE", "")
            if not service:
                return  # reported by check_dockerfile (ARG without default)
            if not (self.root / "services" / service).is_dir():
                self.problems.append(f"{where}: SERVICE={service!r} but there is no services/{service}/")
                return
            unit = self.units.setdefault(service, Unit("service", service,
                                                       [self.root / "services/common", self.root / "services" / service]))
        elif dockerfile.name == GATEWAY_DOCKERFILE:
            unit = self.units.setdefault("gateway", Unit("gateway", "gateway",
                                                         [self.root / "services/common", self.root / "gateway"]))
        else:
            self.notes.append(f"{self.r(dockerfile)}: not a service or gateway image, environment not checked")
            return
        unit.dockerfile, unit.build_args, unit.arg_values = dockerfile, args, arg_values
        unit.image_text = self.image_texts(dockerfile, context)
        unit.compose_services.append(name)
        if svc.get("image"):
            unit.images.add(image_repo(expand(svc["image"])))

    # 4. Dockerfiles ---------------------------------------------------------------------------
    def check_dockerfile(self, path: Path, context: Path, build_args: dict[str, str], where: str):
        instructions = parse_dockerfile(path)
        if not instructions:
            self.problem(path, "empty")
            return
        declared: dict[str, str | None] = {}
        values: dict[str, str] = {}
        for ins in instructions:
            if ins.op == "ARG":
                name, eq, default = ins.args.partition("=")
                name = name.strip()
                declared[name] = default.strip().strip('"\'') if eq else None
                if build_args.get(name):
                    values[name] = build_args[name]
                elif eq:   # an ARG default may use the ARGs declared before it
                    values[name] = interpolate(declared[name], values)
        for arg in build_args:
            if arg not in declared:
                self.problems.append(f"{where}: build arg {arg} is not an ARG of {self.r(path)}")
        for name, default in declared.items():
            if default is None and not build_args.get(name):
                self.problems.append(f"{where}: {self.r(path)} needs build arg {name} (ARG without default)")

        def sub(text):
            return interpolate(text, values)

        user = None
        for ins in instructions:
            at = f"{self.r(path)}:{ins.line}"
            if ins.op == "FROM":
                image = sub(ins.args.split()[0]) if not ins.args.startswith("--") else sub(ins.args.split()[1])
                issue = image_problem(image)
                if issue:
                    self.problems.append(f"{at}: FROM {issue}")
                user = None
            elif ins.op in ("COPY", "ADD"):
                parts = exec_form(ins.args) or shlex.split(ins.args)
                flags = [p for p in parts if p.startswith("--")]
                if any(f.startswith("--from") for f in flags):
                    continue
                paths = [p for p in parts if not p.startswith("--")]
                if len(paths) < 2:
                    self.problems.append(f"{at}: {ins.op} needs a source and a destination")
                    continue
                for source in paths[:-1]:
                    resolved = sub(source)
                    if ins.op == "ADD" and re.match(r"https?://", resolved):
                        continue
                    target = (context / resolved).resolve()
                    if context not in (target, *target.parents):
                        self.problems.append(f"{at}: {ins.op} source {source!r} is outside the build context")
                    elif any(ch in resolved for ch in "*?["):
                        if not list(context.glob(resolved)):
                            self.problems.append(f"{at}: {ins.op} source {source!r} matches nothing in {self.r(context)}")
                    elif not target.exists():
                        self.problems.append(f"{at}: {ins.op} source {source!r} (= {resolved}) does not exist "
                                             f"in {self.r(context)}")
            elif ins.op == "USER":
                user = sub(ins.args).split(":")[0]
            # Variables a launcher reads (entrypoint, CMD, HEALTHCHECK): known, not code settings.
            self.launcher_vars.update(SHELL_VAR.findall(ins.args))
        if user is None or user in ("root", "0"):
            self.problems.append(f"{self.r(path)}: the final stage runs as root (add a USER)")
        if path.name == GATEWAY_DOCKERFILE and not any(
                i.op == "HEALTHCHECK" and "/healthz" in i.args for i in instructions):
            self.problem(path, "no HEALTHCHECK on /healthz")
        return values

    def image_texts(self, dockerfile: Path, context: Path) -> str:
        """The Dockerfile's instructions plus every file it copies from deploy/ (entrypoint scripts)."""
        texts = []
        for ins in parse_dockerfile(dockerfile):
            texts.append(ins.args)
            if ins.op == "COPY":
                parts = exec_form(ins.args) or shlex.split(ins.args)
                for source in [p for p in parts if not p.startswith("--")][:-1]:
                    file = (context / source)
                    if file.is_file() and self.deploy in file.resolve().parents:
                        script = "\n".join(ln for ln in file.read_text().splitlines()
                                           if not ln.lstrip().startswith("#"))
                        texts.append(script)
                        self.launcher_vars.update(SHELL_VAR.findall(script))
        return "\n".join(texts)

    # 5. environment coverage ------------------------------------------------------------------
    def check_environment(self):
        if not self.compose:
            return
        services = self.compose["services"]
        for unit in self.units.values():
            for directory in unit.code_dirs:
                for name, where in self.code_reads(directory).items():
                    unit.reads.setdefault(name, where)
            if unit.kind == "service":
                unit.migration_reads = self.code_reads(self.root / "services" / unit.name / "migrations")
            runtime = [n for n in unit.compose_services if self.one_shot(services[n].get("command")) is None]
            if not runtime:
                self.problem(self.compose_path, f"no long-running service runs {unit.name}")
            for name in unit.compose_services:
                svc = services[name]
                have = self.compose_env(svc)
                role = self.one_shot(svc.get("command"))
                needed = self.one_shot_reads(unit, svc.get("command")) if role else unit.reads
                for var, source in sorted(needed.items()):
                    if var not in have:
                        self.problem(self.compose_path, f"service {name!r} does not set {var} "
                                                        f"(read in {source})")
                for var in sorted(have - set(unit.reads) - self.launcher_vars):
                    if not var.startswith("PYTHON"):
                        self.problem(self.compose_path, f"service {name!r} sets {var}, which nothing in "
                                                        f"{unit.name} reads (typo?)")
                if unit.kind == "service" and not role:
                    if svc.get("container_name"):
                        self.problem(self.compose_path, f"service {name!r} has a container_name: it cannot be scaled")
                    if svc.get("ports"):
                        self.problem(self.compose_path, f"service {name!r} publishes ports: it cannot be scaled")
            if unit.kind == "service" and (self.root / "services" / unit.name / "migrations").is_dir():
                migrators = [n for n in unit.compose_services if self.one_shot(services[n].get("command")) == "migrate"]
                if not migrators:
                    self.problem(self.compose_path, f"no one-shot `migrate` service for {unit.name}")
                for name in runtime:
                    deps = services[name].get("depends_on") or {}
                    if isinstance(deps, dict) and not any(
                            (deps.get(m) or {}).get("condition") == "service_completed_successfully"
                            for m in migrators):
                        self.problem(self.compose_path, f"service {name!r} does not wait for its migration "
                                                        f"({', '.join(migrators) or 'none'}) to complete")

    @staticmethod
    def one_shot(command) -> str | None:
        if command is None:
            return None
        first = (command if isinstance(command, list) else shlex.split(str(command)) or [""])[0]
        return first if first in ONE_SHOT_COMMANDS else None

    def compose_env(self, svc: dict) -> set[str]:
        env = svc.get("environment") or {}
        names = set(env) if isinstance(env, dict) else {str(e).split("=", 1)[0] for e in env}
        env_files = svc.get("env_file") or []
        for item in [env_files] if isinstance(env_files, (str, dict)) else env_files:
            file = item if isinstance(item, str) else item.get("path", "")
            if Path(file).name == ".env":
                names |= set(self.env_example)   # never read the real .env
            elif (self.compose_path.parent / file).is_file():
                names |= {ln.split("=", 1)[0].strip() for ln in (self.compose_path.parent / file).read_text().splitlines()
                          if "=" in ln and not ln.lstrip().startswith("#")}
        return names

    # 6. commands name modules that exist ------------------------------------------------------
    def check_commands(self):
        services = self.compose.get("services", {}) if self.compose else {}
        for unit in self.units.values():
            if not unit.dockerfile:
                continue
            text = unit.image_text
            commands: list[tuple[Path | str, str, object]] = []   # (file, what, command) for `python -m`
            for name in unit.compose_services:
                for key in ("command", "entrypoint"):
                    value = services[name].get(key)
                    if value:
                        text += "\n" + (" ".join(value) if isinstance(value, list) else str(value))
                        commands.append((self.compose_path, f"service {name!r} {key}", value))
            for path, obj in self.k8s_objects:
                for container in self.containers(obj):
                    if image_repo(str(container.get("image", ""))) in unit.images or \
                            any(str(container.get("image", "")).endswith("/" + i) for i in unit.images):
                        text += "\n" + " ".join(map(str, container.get("command") or []))
                        text += "\n" + " ".join(map(str, container.get("args") or []))
                        commands.append((path, f"{obj['kind']} {obj['metadata']['name']} container "
                                               f"{container.get('name')}",
                                         [*(container.get("command") or []), *(container.get("args") or [])]))
            self.check_python_modules(unit, commands)
            if unit.kind == "gateway":
                self.check_gunicorn(unit, text)
            else:
                self.check_nameko(unit, text)

    def check_python_modules(self, unit: Unit, commands):
        """`python -m MODULE` in a command must name a module the image installs (e.g. profiles.seed)."""
        installed = None
        if unit.kind == "service":
            lists = [self.packages(d / "pyproject.toml") for d in unit.code_dirs]
            installed = None if any(p is None for p in lists) else {n for p in lists for n in p}
        for path, what, command in commands:
            for module in self.python_modules(command):
                if self.module_file(unit, module) is None:
                    self.problem(path, f"{what} runs `python -m {module}`, but no such module is in "
                                       f"{', '.join(self.r(d) for d in unit.code_dirs)}")
                elif installed is not None and module.split(".")[0] not in installed:
                    self.problem(path, f"{what} runs `python -m {module}`, but package {module.split('.')[0]!r} "
                                       f"is not installed in the {unit.name} image ([tool.setuptools] packages)")

    def check_gunicorn(self, unit: Unit, text: str):
        commands = [m.group(0) for m in re.finditer(r"gunicorn\b[^\n\"'\]]*", text)]
        if not commands:
            self.problem(unit.dockerfile, "no gunicorn command found")
            return
        for command in commands:
            tokens = shlex.split(command)
            chdir = "."
            for i, token in enumerate(tokens):
                if token == "--chdir" and i + 1 < len(tokens):
                    chdir = tokens[i + 1]
                elif token.startswith("--chdir="):
                    chdir = token.split("=", 1)[1]
            apps = [t for t in tokens[1:] if re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", t)]
            if not apps:
                self.problem(unit.dockerfile, f"gunicorn command names no module:attribute: {command!r}")
                continue
            module, attr = apps[-1].split(":")
            base = self.root / chdir / Path(*module.split("."))
            file = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
            if not file.is_file():
                self.problem(unit.dockerfile, f"gunicorn app {apps[-1]!r}: no {self.r(base)}.py (with --chdir {chdir})")
            elif not re.search(rf"^(?:{attr}\s*[:=]|def {attr}\b)", file.read_text(), re.M):
                self.problem(unit.dockerfile, f"gunicorn app {apps[-1]!r}: {self.r(file)} defines no {attr!r}")

    def check_nameko(self, unit: Unit, text: str):
        service_dir = self.root / "services" / unit.name

        def fill(command):   # the image's ARG values (SERVICE, SERVICE_MODULE) are its ENV too
            try:
                return interpolate(command, {"SERVICE": unit.name, **unit.arg_values})
            except ValueError:
                return command

        commands = [fill(m.group(0)) for m in re.finditer(r"nameko\s+run\b[^\n;&|]*", text)]
        if not commands:
            self.problem(unit.dockerfile, f"no `nameko run` command found for {unit.name}")
        for command in commands:
            tokens = shlex.split(command)[2:]
            config, modules, i = None, [], 0
            while i < len(tokens):
                if tokens[i] == "--config" and i + 1 < len(tokens):
                    config, i = tokens[i + 1], i + 2
                    continue
                if tokens[i].startswith("--config="):
                    config = tokens[i].split("=", 1)[1]
                elif not tokens[i].startswith("-"):
                    modules.append(tokens[i])
                i += 1
            if not config or not (self.root / config).is_file():
                self.problem(unit.dockerfile, f"nameko config {config!r} does not exist (for {unit.name})")
            if not modules:
                self.problem(unit.dockerfile, f"`{command}` names no service module")
            packages = self.packages(service_dir / "pyproject.toml")
            for module in modules:
                module = module.split(":")[0]
                top = module.split(".")[0]
                file = service_dir / Path(*module.split(".")).with_suffix(".py")
                if not file.is_file():
                    self.problem(unit.dockerfile, f"nameko module {module!r}: no {self.r(file)}")
                    continue
                if packages is not None and top not in packages:
                    self.problem(service_dir / "pyproject.toml", f"package {top!r} (nameko module {module}) "
                                                                 f"is not in [tool.setuptools] packages")
                if not re.search(rf"""^\s+name\s*=\s*["']{re.escape(unit.name)}["']""", file.read_text(), re.M):
                    self.problem(file, f"no nameko service class with name = {unit.name!r} "
                                       f"(the image and the gateway call it {unit.name})")
        if "alembic upgrade head" in text:
            ini = service_dir / "alembic.ini"
            if not ini.is_file():
                self.problem(unit.dockerfile, f"migrations run alembic, but {self.r(ini)} does not exist")
            else:
                m = re.search(r"^script_location\s*=\s*(\S+)", ini.read_text(), re.M)
                if not m or not (service_dir / m.group(1)).is_dir():
                    self.problem(ini, "script_location does not name an existing directory")

    @staticmethod
    def packages(pyproject: Path) -> list[str] | None:
        if not pyproject.is_file():
            return None
        m = re.search(r"^packages\s*=\s*(\[[^\]]*\])", pyproject.read_text(), re.M)
        try:
            return ast.literal_eval(m.group(1)) if m else None
        except (ValueError, SyntaxError):
            return None

    def check_gateway_services(self):
        """Every service in the registry (services/common/ausm_common/services.yml), which the gateway's /healthz
        pings, must be deployed, in compose and in k8s."""
        rpc = self.root / "services/common/ausm_common/services.yml"
        if not rpc.is_file():
            self.notes.append(f"{self.r(rpc)} not found: the list of services was not checked")
            return
        try:
            names = [entry["name"] for entry in yaml.safe_load(rpc.read_text())["services"]]
        except (KeyError, TypeError, yaml.YAMLError):
            names = None
        if not names or not all(isinstance(n, str) for n in names):
            self.warnings.append(f"{self.r(rpc)}: no readable list of services, so the checker "
                                 f"cannot verify that every service the gateway calls is deployed")
            return
        # A problem, not a warning: the gateway's /healthz pings every one of these services and answers
        # 503 while any of them is missing, so a deployment without one never serves (its readiness
        # probe and its image healthcheck fail). Deploy the service in the same change that makes the
        # gateway call it.
        services = (self.compose or {}).get("services", {})
        k8s_deployments = self.k8s_deployed_services()
        for name in names:
            unit = self.units.get(name)
            runtime = [n for n in (unit.compose_services if unit else [])
                       if self.one_shot(services[n].get("command")) is None]
            missing = [where for where, ok in (("compose.yml", bool(runtime)),
                                               ("deploy/k8s", not self.k8s_objects or name in k8s_deployments))
                       if not ok]
            if missing:
                self.problems.append(
                    f"the gateway calls service {name!r} ({self.r(rpc)}), which is not deployed in "
                    f"{' nor in '.join(missing)}: the deployed gateway's /healthz answers 503, so it never becomes ready")
                continue
            # compose: the gateway starts after (and `up gateway` brings up) every service it pings.
            gateway = self.units.get("gateway")
            for gw in [n for n in (gateway.compose_services if gateway else [])
                       if self.one_shot(services[n].get("command")) is None]:
                deps = services[gw].get("depends_on") or {}
                if not any(n in deps for n in runtime):
                    self.problem(self.compose_path, f"service {gw!r} does not depend_on {name!r} "
                                                    f"({' or '.join(runtime)}), which its /healthz pings")
        deployed = set(self.units) | set(names)
        for path in sorted((self.root / "services").iterdir()) if (self.root / "services").is_dir() else []:
            if path.is_dir() and path.name != "common" and (path / "pyproject.toml").is_file() \
                    and path.name not in deployed:
                self.notes.append(f"services/{path.name} exists but is not deployed (no compose service builds it)")

    # 7. Kubernetes ----------------------------------------------------------------------------
    @staticmethod
    def pod_spec(obj: dict) -> dict:
        spec = obj.get("spec") or {}
        if obj.get("kind") == "CronJob":
            spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        return ((spec.get("template") or {}).get("spec")) or {}

    def containers(self, obj: dict) -> list[dict]:
        if obj.get("kind") not in WORKLOAD_KINDS:
            return []
        spec = self.pod_spec(obj)
        return list(spec.get("initContainers") or []) + list(spec.get("containers") or [])

    def unit_of_image(self, image: str) -> Unit | None:
        repo = image_repo(image)
        for unit in self.units.values():
            if repo in unit.images or any(repo.endswith("/" + i) for i in unit.images):
                return unit
        return None

    def k8s_deployed_services(self) -> set[str]:
        """Services a Kubernetes Deployment runs (args not a one-shot), by image: one compose builds for
        the service, or else an image repository named after it (ausm/<name>)."""
        deployed = set()
        for _, obj in self.k8s_objects:
            if obj.get("kind") != "Deployment":
                continue
            for container in self.pod_spec(obj).get("containers") or []:
                if self.one_shot(container.get("args") or container.get("command")):
                    continue
                image = str(container.get("image", ""))
                unit = self.unit_of_image(image)
                deployed.add(unit.name if unit else image_repo(image).rsplit("/", 1)[-1])
        return deployed

    def k8s_unit_roles(self) -> dict[str, set[str]]:
        roles: dict[str, set[str]] = {}
        for _, obj in self.k8s_objects:
            spec = self.pod_spec(obj)
            for container in spec.get("containers") or []:
                unit = self.unit_of_image(str(container.get("image", "")))
                if unit:
                    role = self.one_shot(container.get("args") or container.get("command"))
                    roles.setdefault(unit.name, set()).add(role or ("runtime" if obj["kind"] == "Deployment" else "job"))
        return roles

    def check_k8s(self):
        k8s = self.deploy / "k8s"
        files = sorted(p for p in self.yaml_docs if k8s in p.parents)
        if not files:
            self.problem(k8s, "no Kubernetes manifests")
            return
        kustomization = None
        for path in files:
            for doc in self.yaml_docs[path]:
                if not isinstance(doc, dict):
                    self.problem(path, "a document is not a mapping")
                    continue
                if doc.get("kind") == "Kustomization":
                    kustomization = (path, doc)
                    continue
                missing = [k for k in ("apiVersion", "kind") if not doc.get(k)]
                if not (doc.get("metadata") or {}).get("name"):
                    missing.append("metadata.name")
                if missing:
                    self.problem(path, f"{doc.get('kind', 'a document')} without {', '.join(missing)}")
                    continue
                self.k8s_objects.append((path, doc))
        if kustomization:
            path, doc = kustomization
            listed = set()
            for resource in doc.get("resources") or []:
                listed.add((path.parent / resource).resolve())
                if not (path.parent / resource).exists():
                    self.problem(path, f"resource {resource!r} does not exist")
            for file in files:
                if file != path and ".example." not in file.name and file.resolve() not in listed:
                    self.problem(path, f"{file.name} is not listed in resources (name it *.example.yaml if it is an example)")

        objects = self.k8s_objects
        by_kind: dict[str, dict[str, tuple[Path, dict]]] = {}
        for path, obj in objects:
            by_kind.setdefault(obj["kind"], {})[obj["metadata"]["name"]] = (path, obj)
        namespaces = set(by_kind.get("Namespace", {}))
        default_ns = (kustomization[1].get("namespace") if kustomization else None)
        keys = {}
        for kind in ("ConfigMap", "Secret"):
            for name, (path, obj) in by_kind.get(kind, {}).items():
                data = {**(obj.get("data") or {}), **(obj.get("stringData") or {}), **(obj.get("binaryData") or {})}
                keys[(kind, name)] = set(data)
                for key, value in data.items():
                    if not isinstance(value, str):
                        self.problem(path, f"{kind} {name}: value of {key} is {type(value).__name__}, must be a string (quote it)")

        for path, obj in objects:
            kind, name = obj["kind"], obj["metadata"]["name"]
            what = f"{kind} {name}"
            ns = obj["metadata"].get("namespace") or default_ns
            if kind not in CLUSTER_KINDS and namespaces and ns not in namespaces:
                self.problem(path, f"{what} is in namespace {ns!r}, not one of {sorted(namespaces)}")
            spec = obj.get("spec") or {}
            pod = self.pod_spec(obj)
            for container in self.containers(obj):
                issue = image_problem(str(container.get("image", "")))
                if issue:
                    self.problem(path, f"{what} container {container.get('name')}: {issue}")
                for source in container.get("envFrom") or []:
                    for ref_kind, ref_key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                        ref = source.get(ref_key)
                        if ref and not ref.get("optional") and (ref_kind, ref.get("name")) not in keys:
                            self.problem(path, f"{what}: envFrom {ref_kind} {ref.get('name')!r} is not defined "
                                               f"in deploy/k8s (not even as an example)")
                for var in container.get("env") or []:
                    value_from = var.get("valueFrom") or {}
                    for ref_kind, ref_key in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
                        ref = value_from.get(ref_key)
                        if ref and not ref.get("optional") and ref.get("key") not in keys.get((ref_kind, ref.get("name")), set()):
                            self.problem(path, f"{what}: {var.get('name')} refers to {ref_kind} "
                                               f"{ref.get('name')!r} key {ref.get('key')!r}, which is not defined")
            for volume in pod.get("volumes") or []:
                for ref_kind, ref_key, name_key in (("ConfigMap", "configMap", "name"), ("Secret", "secret", "secretName")):
                    ref = volume.get(ref_key)
                    if ref and not ref.get("optional") and (ref_kind, ref.get(name_key)) not in keys:
                        self.problem(path, f"{what}: volume {volume.get('name')} uses {ref_kind} "
                                           f"{ref.get(name_key)!r}, which is not defined")
            if kind == "Deployment":
                labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
                match = (spec.get("selector") or {}).get("matchLabels") or {}
                if not match or any(labels.get(k) != v for k, v in match.items()):
                    self.problem(path, f"{what}: selector.matchLabels {match} do not match the pod labels {labels}")
                if not any(((h.get("spec") or {}).get("scaleTargetRef") or {}).get("name") == name
                           for _, h in by_kind.get("HorizontalPodAutoscaler", {}).values()):
                    self.problem(path, f"{what} has no HorizontalPodAutoscaler")
            elif kind == "HorizontalPodAutoscaler":
                target = spec.get("scaleTargetRef") or {}
                if target.get("name") not in by_kind.get(target.get("kind", ""), {}):
                    self.problem(path, f"{what}: scaleTargetRef {target.get('kind')}/{target.get('name')} does not exist")
                if int(spec.get("minReplicas", 1)) > int(spec.get("maxReplicas", 0)):
                    self.problem(path, f"{what}: minReplicas > maxReplicas")
            elif kind in ("Service", "PodDisruptionBudget"):
                selector = spec.get("selector") or {}
                selector = selector.get("matchLabels", selector) if kind == "PodDisruptionBudget" else selector
                pods = [d for _, d in by_kind.get("Deployment", {}).values()
                        if all((((d.get("spec") or {}).get("template") or {}).get("metadata") or {})
                               .get("labels", {}).get(k) == v for k, v in selector.items())]
                if not selector or not pods:
                    self.problem(path, f"{what}: selector {selector} matches no Deployment's pods")
                if kind == "Service" and pods:
                    ports = [p for c in self.pod_spec(pods[0]).get("containers") or [] for p in c.get("ports") or []]
                    for port in spec.get("ports") or []:
                        target = port.get("targetPort", port.get("port"))
                        if not any(target in (p.get("name"), p.get("containerPort")) for p in ports):
                            self.problem(path, f"{what}: targetPort {target!r} is not a port of the pods")

        # Environment coverage, per container running one of our images.
        for path, obj in objects:
            for container in self.containers(obj):
                unit = self.unit_of_image(str(container.get("image", "")))
                if unit is None:
                    continue
                have = {v.get("name") for v in container.get("env") or []}
                for source in container.get("envFrom") or []:
                    for ref_kind, ref_key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                        if source.get(ref_key):
                            have |= keys.get((ref_kind, source[ref_key].get("name")), set())
                command = container.get("args") or container.get("command")
                role = self.one_shot(command)
                needed = self.one_shot_reads(unit, command) if role else unit.reads
                for var, where in sorted(needed.items()):
                    if var not in have:
                        self.problem(path, f"{obj['kind']} {obj['metadata']['name']} container "
                                           f"{container.get('name')} does not get {var} (read in {where})")
        roles = self.k8s_unit_roles()
        for unit in self.units.values():
            if "runtime" not in roles.get(unit.name, set()):
                self.problem(k8s, f"no Deployment runs {unit.name} (images {sorted(unit.images)})")
            if unit.kind == "service" and (self.root / "services" / unit.name / "migrations").is_dir() \
                    and "migrate" not in roles.get(unit.name, set()):
                self.problem(k8s, f"no migration Job (args: [migrate]) for {unit.name}")

        # The RabbitMQ definitions embedded in a ConfigMap must equal deploy/rabbitmq/definitions.json.
        definitions = self.deploy / "rabbitmq/definitions.json"
        if definitions in self.json_docs:
            embedded = [(p, o) for kind_map in (by_kind.get("ConfigMap", {}),) for p, o in kind_map.values()
                        if "definitions.json" in (o.get("data") or {})]
            for path, obj in embedded:
                try:
                    if json.loads(obj["data"]["definitions.json"]) != self.json_docs[definitions]:
                        self.problem(path, f"ConfigMap {obj['metadata']['name']}: definitions.json differs from "
                                           f"{self.r(definitions)}")
                except json.JSONDecodeError as exc:
                    self.problem(path, f"ConfigMap {obj['metadata']['name']}: definitions.json is not JSON: {exc}")

    # 8. RabbitMQ definitions --------------------------------------------------------------------
    def check_rabbitmq(self):
        path = self.deploy / "rabbitmq/definitions.json"
        defs = self.json_docs.get(path)
        if defs is None:
            return
        if not isinstance(defs, dict):
            self.problem(path, "not a JSON object")
            return
        exchanges = {e.get("name") for e in defs.get("exchanges", [])}
        queues = {q.get("name") for q in defs.get("queues", [])}
        for binding in defs.get("bindings", []):
            if binding.get("source") not in exchanges:
                self.problem(path, f"binding from unknown exchange {binding.get('source')!r}")
            if binding.get("destination_type") == "queue" and binding.get("destination") not in queues:
                self.problem(path, f"binding to unknown queue {binding.get('destination')!r}")
        policies = []
        for policy in defs.get("policies", []):
            name = policy.get("name")
            missing = [k for k in ("vhost", "name", "pattern", "definition") if k not in policy]
            if missing:
                self.problem(path, f"policy {name!r} lacks {', '.join(missing)}")
                continue
            try:
                policies.append((re.compile(policy["pattern"]), policy))
            except re.error as exc:
                self.problem(path, f"policy {name!r}: bad pattern: {exc}")
                continue
            dlx = policy["definition"].get("dead-letter-exchange")
            if dlx and dlx not in exchanges and not dlx.startswith("amq."):
                self.problem(path, f"policy {name!r}: dead-letter-exchange {dlx!r} is not defined")

        def policy_for(queue):   # RabbitMQ applies the highest-priority matching policy
            matching = [p for rx, p in policies if rx.search(queue) and p.get("apply-to", "all") != "exchanges"]
            return max(matching, key=lambda p: p.get("priority", 0)) if matching else None

        # nameko's queue names (pitfalls.md §2.3, §2.4).
        reply = policy_for("rpc.reply-identity-3f0e0a4e-6b1f-4f39-9d53-1e2b8a7c9d10")
        if reply and {"message-ttl", "max-length", "max-length-bytes", "expires"} & set(reply["definition"]):
            self.problem(path, f"policy {reply['name']!r} would apply to RPC reply queues (rpc.reply-*): "
                               f"replies must not be dropped or the queues' own x-expires overridden")
        request = policy_for("rpc-identity")
        ttl = (request or {}).get("definition", {}).get("message-ttl")
        if ttl is not None:
            timeouts = []
            services = (self.compose or {}).get("services", {})
            values = {k: v for k, v in self.env_example.items() if v}
            for svc in services.values():
                env = svc.get("environment") if isinstance(svc, dict) else None
                if isinstance(env, dict) and "RPC_TIMEOUT" in env:
                    timeouts.append(("compose.yml", interpolate(str(env["RPC_TIMEOUT"]), values)))
            for p, obj in self.k8s_objects:
                if obj["kind"] == "ConfigMap" and "RPC_TIMEOUT" in (obj.get("data") or {}):
                    timeouts.append((p.name, obj["data"]["RPC_TIMEOUT"]))
            for where, value in timeouts:
                try:
                    if float(value) * 1000 > ttl:
                        self.problem(path, f"policy {request['name']!r}: message-ttl {ttl} ms is shorter than "
                                           f"RPC_TIMEOUT={value} s in {where}: requests would expire while callers wait")
                except ValueError:
                    self.problem(path, f"RPC_TIMEOUT={value!r} in {where} is not a number")

    # 9. optional tools ----------------------------------------------------------------------------
    def run_external(self):
        if not self.run_tools:
            self.skipped.append("external tools (--no-tools)")
            return
        dockerfiles = sorted(p for p in self.deploy.glob("Dockerfile*") if p.suffix != ".dockerignore")
        if shutil.which("hadolint") and dockerfiles:
            result = subprocess.run(["hadolint", "--failure-threshold", "error", *map(str, dockerfiles)],
                                    capture_output=True, text=True)
            if result.returncode:
                self.problem(self.deploy, "hadolint:\n    " + (result.stdout + result.stderr).strip().replace("\n", "\n    "))
        else:
            self.skipped.append("hadolint (not installed)")

        compose_ok = False
        if shutil.which("docker") and self.compose_path:
            try:
                compose_ok = subprocess.run(["docker", "compose", "version"], capture_output=True,
                                            timeout=30).returncode == 0
            except subprocess.TimeoutExpired:
                compose_ok = False
        if compose_ok:
            with tempfile.NamedTemporaryFile("w", suffix=".env", delete=False) as env_file:
                for name, value in self.env_example.items():
                    env_file.write(f"{name}={value or 'check-deploy-placeholder'}\n")
            try:
                result = subprocess.run(["docker", "compose", "--project-directory", str(self.compose_path.parent),
                                         "-f", str(self.compose_path), "--env-file", env_file.name,
                                         "config", "--quiet"], capture_output=True, text=True, timeout=60)
                if result.returncode:
                    self.problem(self.compose_path, "docker compose config: " + result.stderr.strip())
            finally:
                os.unlink(env_file.name)
        else:
            self.skipped.append("docker compose config (docker compose not available)")

        kustomization = self.deploy / "k8s/kustomization.yaml"
        if shutil.which("kubectl") and kustomization.is_file():
            try:
                result = subprocess.run(["kubectl", "kustomize", str(kustomization.parent)],
                                        capture_output=True, text=True, timeout=60)
                if result.returncode:
                    self.problem(kustomization, "kubectl kustomize: " + result.stderr.strip())
            except subprocess.TimeoutExpired:
                self.problem(kustomization, "kubectl kustomize timed out")
        else:
            self.skipped.append("kubectl kustomize (kubectl not installed)")

    # ------------------------------------------------------------------------------------------
    def run(self) -> int:
        self.load_files()
        self.check_compose()
        for path in sorted(self.deploy.glob("Dockerfile*")):
            if path.suffix != ".dockerignore" and not any(u.dockerfile == path for u in self.units.values()):
                self.notes.append(f"{self.r(path)} is not built by compose; checked with its ARG defaults")
                self.check_dockerfile(path, self.root, {}, self.r(path))
        self.check_environment()
        self.check_k8s()
        self.check_commands()
        self.check_gateway_services()
        self.check_rabbitmq()
        self.run_external()

        if self.strict:
            self.problems += [f"(strict) {w}" for w in self.warnings]
            self.warnings = []
        if self.problems:
            print(f"check-deploy: {len(self.problems)} problem(s) in {self.r(self.deploy)}/")
            for line in self.problems:
                print(f"  - {line}")
            for line in self.warnings:
                print(f"  WARNING: {line}")
            for note in self.notes:
                print(f"  note: {note}")
            return 1
        n_docs = sum(len(d) for d in self.yaml_docs.values())
        variables = set().union(*(set(u.reads) for u in self.units.values())) if self.units else set()
        print("check-deploy: OK")
        print(f"  parsed: {len(self.yaml_docs)} YAML files ({n_docs} documents), {len(self.json_docs)} JSON")
        print(f"  images: {', '.join(f'{u.name} ({self.r(u.dockerfile)})' for u in self.units.values())}")
        print(f"  compose: {len(self.compose.get('services', {}))} services; Kubernetes: {len(self.k8s_objects)} objects")
        print(f"  environment: {len(variables)} variables read by the deployed code, all set in compose and k8s")
        for line in self.warnings:
            print(f"  WARNING: {line}")
        for note in self.notes:
            print(f"  note: {note}")
        if self.skipped:
            print(f"  skipped: {'; '.join(self.skipped)}")
        return 0


def main(argv=None) -> int:
    default_root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root,
                        help="repository root (default: the one holding this script)")
    parser.add_argument("--deploy-dir", type=Path, default=None,
                        help="the deploy directory (default: ROOT/deploy); compose build contexts are "
                             "resolved relative to it, as Docker does")
    parser.add_argument("--no-tools", action="store_true",
                        help="do not run hadolint, docker compose or kubectl even when installed")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (e.g. a SERVICES list the checker cannot read) as problems")
    args = parser.parse_args(argv)
    deploy = args.deploy_dir or args.root / "deploy"
    return Checker(args.root, deploy, run_tools=not args.no_tools, strict=args.strict).run()


if __name__ == "__main__":
    sys.exit(main())
