"""A single-node Ceph with RGW on loopback, from Debian's packages: the `ceph_rgw` session fixture.

Monitor (v2 only, `auth none`, every `ms_*_mode` = crc, else RGW hangs on auth: DESIGN §6), one memstore OSD,
a manager and radosgw with the beast frontend serving HTTPS (a self-signed certificate for 127.0.0.1, the CA
bundle the clients are given) and plain HTTP (to show what a TLS-only bucket policy denies), all on free
loopback ports under one tmp directory. Every daemon writes its pid file there and is stopped by that pid; on a
failed start or a failed test the logs are copied to a directory named in the failure. A pytest plugin
(`-p tests.support.ceph` in pyproject's addopts): tests/, drift_jobs/tests and storage_jobs/tests share one
cluster per session (per xdist worker).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.binaries import require
from tests.support.pushgateway import free_port

MEMSTORE_BYTES = 1 << 30
STARTUP_TIMEOUT_S = 90.0
COMMAND_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
DAEMONS = ("ceph-mon", "ceph-osd", "ceph-mgr", "radosgw")
REGION = "us-east-1"


class CephStartError(RuntimeError):
    """The cluster did not come up; the message names where its logs were kept."""


@dataclass(frozen=True)
class RgwUser:
    uid: str
    access_key: str
    secret_key: str

    def env(self, endpoint: str) -> dict[str, str]:
        """The standard AWS environment the drift job and the bucket reconciler read."""
        return {
            "AWS_ENDPOINT_URL_S3": endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }


def write_self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 that is its own CA: the clients' AWS_CA_BUNDLE."""
    import datetime  # noqa: PLC0415
    import ipaddress  # noqa: PLC0415

    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import NameOID  # noqa: PLC0415

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ceph-rgw-test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def _conf(root: Path, fsid: str, mon_port: int, rgw_port: int, tls_port: int) -> str:
    return f"""[global]
fsid = {fsid}
mon_host = v2:127.0.0.1:{mon_port}
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_cluster_mode = crc
ms_service_mode = crc
ms_client_mode = crc
ms_mon_cluster_mode = crc
ms_mon_service_mode = crc
ms_mon_client_mode = crc
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_autoscale_mode = off
osd_pool_default_pg_num = 8
osd_objectstore = memstore
memstore_device_bytes = {MEMSTORE_BYTES}
run_dir = {root}/run
log_file = {root}/log/$name.log
admin_socket = {root}/run/$name.asok
pid_file = {root}/run/$name.pid
keyring = /dev/null
[mon.a]
mon_data = {root}/mon
[osd.0]
osd_data = {root}/osd
[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:{rgw_port} ssl_endpoint=127.0.0.1:{tls_port} \
ssl_certificate={root}/tls.crt ssl_private_key={root}/tls.key
rgw_data = {root}/rgw
[client.admin-cli]
admin_socket = {root}/run/$name.$pid.asok
"""


@dataclass
class CephCluster:
    """A running cluster: its endpoint, an admin user, and a way to add users."""

    root: Path
    rgw_port: int
    tls_port: int
    binaries: dict[str, str]
    admin: RgwUser | None = None
    started: list[int] = field(default_factory=list)

    @property
    def conf(self) -> Path:
        return self.root / "ceph.conf"

    @property
    def endpoint(self) -> str:
        """HTTPS, verified against ca_bundle: what the platform's clients use."""
        return f"https://127.0.0.1:{self.tls_port}"

    @property
    def plain_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.rgw_port}"

    @property
    def ca_bundle(self) -> Path:
        return self.root / "tls.crt"

    def env(self, user: RgwUser | None = None) -> dict[str, str]:
        """The standard AWS environment of `user` (default: the admin) on the HTTPS endpoint."""
        who = user or self.admin
        assert who is not None
        return {**who.env(self.endpoint), "AWS_CA_BUNDLE": str(self.ca_bundle)}

    def _run(self, *args: str, timeout: float = COMMAND_TIMEOUT_S) -> str:
        done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False, cwd=self.root)
        if done.returncode != 0:
            raise CephStartError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def _daemon(self, name: str, *args: str) -> None:
        # Each daemon forks into the background and writes run/<name>.pid: that pid is the one stopped.
        self._run(self.binaries[name], "-c", str(self.conf), *args)

    def _record_pids(self) -> None:
        for pid_file in (self.root / "run").glob("*.pid"):
            with contextlib.suppress(ValueError, OSError):
                pid = int(pid_file.read_text().strip())
                if pid not in self.started:
                    self.started.append(pid)

    def start(self) -> None:
        for sub in ("mon", "osd", "rgw", "run", "log"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        fsid = str(uuid.uuid4())
        mon_port = free_port()
        write_self_signed(self.root / "tls.crt", self.root / "tls.key")
        self.conf.write_text(_conf(self.root, fsid, mon_port, self.rgw_port, self.tls_port))
        monmap = self.root / "monmap"
        self._run(self.binaries["monmaptool"], "--create", "--addv", "a", f"[v2:127.0.0.1:{mon_port}]",
                  "--fsid", fsid, str(monmap))  # fmt: skip
        self._daemon("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(monmap))
        self._daemon("ceph-mon", "-i", "a")
        self._record_pids()
        osd = self._run(self.binaries["ceph"], "-c", str(self.conf), "osd", "create").strip()
        self._daemon("ceph-osd", "-i", osd, "--mkfs")
        self._daemon("ceph-osd", "-i", osd)
        self._record_pids()
        self._daemon("ceph-mgr", "-i", "x")
        self._daemon("radosgw", "-n", "client.rgw", "--no-mon-config")
        self._record_pids()
        self._wait_for_rgw()
        self.admin = self.create_user("admin")

    def _wait_for_rgw(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            self._record_pids()
            try:
                with urllib.request.urlopen(self.plain_endpoint, timeout=2):
                    return
            except OSError as exc:
                # RGW answers anonymous GET / with 200; an HTTP error status still means it is serving.
                if getattr(exc, "code", None) is not None:
                    return
                if time.monotonic() > deadline:
                    raise CephStartError(
                        f"radosgw not serving on {self.plain_endpoint} after {STARTUP_TIMEOUT_S}s"
                    ) from exc
            time.sleep(0.25)

    def radosgw_admin(self, *args: str) -> str:
        # Its own client name: the RGW daemon's admin socket stays untouched.
        return self._run(
            self.binaries["radosgw-admin"], "-c", str(self.conf), "-n", "client.admin-cli", "--no-mon-config", *args
        )

    def create_user(self, uid: str) -> RgwUser:
        """A new RGW user with fresh keys (principal arn:aws:iam:::user/<uid> in bucket policies)."""
        user = RgwUser(uid, f"{uid.upper().replace('-', '')[:12]}{uuid.uuid4().hex[:8]}".upper(), uuid.uuid4().hex)
        self.radosgw_admin("user", "create", "--uid", uid, "--display-name", uid,
                           "--access-key", user.access_key, "--secret", user.secret_key)  # fmt: skip
        return user

    def client(self, user: RgwUser | None = None, *, plain: bool = False) -> Any:
        import boto3  # noqa: PLC0415
        from botocore.config import Config  # noqa: PLC0415

        who = user or self.admin
        assert who is not None
        return boto3.client(
            "s3",
            endpoint_url=self.plain_endpoint if plain else self.endpoint,
            verify=str(self.ca_bundle),
            region_name=REGION,
            aws_access_key_id=who.access_key,
            aws_secret_access_key=who.secret_key,
            # RGW (Pacific) refuses the aws-chunked uploads with trailing checksums boto3 sends over HTTPS
            # by default (MissingContentLength): checksums only where the operation requires one.
            config=Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 2, "mode": "standard"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def stop(self) -> None:
        self._record_pids()
        for pid in reversed(self.started):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for pid in self.started:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def keep_logs(self) -> Path:
        """Copy the daemons' logs out of the tmp directory; the path is what a failure message names."""
        kept = Path(tempfile.mkdtemp(prefix="ceph-logs-"))
        shutil.copytree(self.root / "log", kept / "log", dirs_exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy2(self.conf, kept / "ceph.conf")
        return kept


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is gone for our purposes.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] != "Z"
    return True


@contextlib.contextmanager
def running_cluster(root: Path) -> Iterator[CephCluster]:
    """Start a cluster under root; stop every daemon it started by pid, whatever happens."""
    binaries = {name: require(name) for name in (*DAEMONS, "radosgw-admin", "monmaptool", "ceph")}
    cluster = CephCluster(root=root, rgw_port=free_port(), tls_port=free_port(), binaries=binaries)
    try:
        try:
            cluster.start()
        except (CephStartError, subprocess.TimeoutExpired) as exc:
            raise CephStartError(f"{exc}; logs kept in {cluster.keep_logs()}") from exc
        yield cluster
    finally:
        cluster.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used the cluster gets the daemons' logs copied out, and the path in its report."""
    report = yield
    cluster = getattr(item, "funcargs", {}).get("ceph_rgw")
    if report.failed and isinstance(cluster, CephCluster):
        report.sections.append(("ceph_rgw", f"Ceph daemon logs kept in {cluster.keep_logs()}"))
    return report


@pytest.fixture(scope="session")
def ceph_rgw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CephCluster]:
    """A running single-node Ceph with RGW for the whole session (about 10-20 s to start)."""
    with running_cluster(tmp_path_factory.mktemp("ceph")) as cluster:
        yield cluster
