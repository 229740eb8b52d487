"""Builds the package with its gRPC stubs, generated from the checkout's proto/ files by
grpcio-tools, so that the stubs always match the protos of the same commit."""

from importlib import resources
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PROTO_ROOT = Path(__file__).resolve().parent.parent.parent / "proto"


class BuildWithStubs(build_py):
    """Copies the package, then writes kiln/v1/*_pb2.py, *_pb2.pyi and *_pb2_grpc.py."""

    def run(self):
        super().run()
        from grpc_tools import protoc

        protos = sorted(PROTO_ROOT.glob("kiln/v1/*.proto"))
        if not protos:
            raise RuntimeError(
                f"no .proto files under {PROTO_ROOT}/kiln/v1: build from a Kiln checkout"
            )
        out = Path(self.build_lib)
        well_known = resources.files("grpc_tools") / "_proto"
        args = [
            "grpc_tools.protoc",
            f"--proto_path={PROTO_ROOT}",
            f"--proto_path={well_known}",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            *(str(p.relative_to(PROTO_ROOT)) for p in protos),
        ]
        if protoc.main(args) != 0:
            raise RuntimeError("grpc_tools.protoc failed on " + ", ".join(map(str, protos)))
        (out / "kiln" / "v1" / "__init__.py").write_text(
            '"""Kiln\'s gRPC messages and stubs, generated from proto/kiln/v1."""\n'
        )


setup(cmdclass={"build_py": BuildWithStubs})
