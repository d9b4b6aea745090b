"""Imports in the REST API: upload, map and check, apply (202 + job), error report.

POST /api/v1/imports/                 multipart: kind, file -> the batch, its headers and
                                      the suggested (or remembered) mapping
PUT  /api/v1/imports/{id}/mapping/    {"mapping": {...}, "options": {...}} -> check result;
                                      a file of over 50,000 rows: 202, Location: the check's
                                      job (then GET the import for the result)
POST /api/v1/imports/{id}/apply/      -> 202, Location: the job
GET  /api/v1/imports/{id}/errors/     -> every problem as CSV
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.imports.parsing import DATE_FORMATS, DECIMAL_SEPARATORS
from accounts.imports.services import (
    ImportRefused,
    import_batch_apply,
    import_batch_check,
    import_batch_create,
    work_files,
)
from accounts.imports.uploads import (
    install_upload_handlers,
    too_large_by_header,
    too_large_message,
    upload_was_too_large,
)
from accounts.imports.validation import MappingProblem, read_errors
from accounts.imports.views import _error_rows
from accounts.models import ImportBatch, ImportKind
from kam.api.base import WorkspaceViewSet
from kam.jobs.api import accepted_job_response
from kam.jobs.models import Job
from kam.permissions import Capability
from kam.tenancy.request import WorkspaceApiRequest


class ImportErrorOutput(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    column = serializers.CharField(help_text="The file's column, empty for a whole-row problem.")
    reason = serializers.CharField()


class ImportBatchOutput(serializers.ModelSerializer):
    mapping = serializers.DictField(
        child=serializers.CharField(), help_text="Our field -> the file's column."
    )
    mapping_source = serializers.SerializerMethodField()
    check = serializers.SerializerMethodField()
    # Named like Serializer.errors: the metaclass takes declared fields out of
    # the class, so the property stays; only the stubs see a clash.
    errors = ImportErrorOutput(many=True, help_text="The first problems (see error_count).")  # type: ignore[assignment]
    job: serializers.PrimaryKeyRelatedField[Job] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "status",
            "original_name",
            "size_bytes",
            "headers",
            "mapping",
            "mapping_source",
            "options",
            "row_count",
            "error_count",
            "errors",
            "check",
            "job",
            "created_at",
            "applied_at",
        ]

    def get_mapping_source(self, batch: ImportBatch) -> str:
        return str(batch.options.get("mapping_source", "suggested"))

    def get_check(self, batch: ImportBatch) -> dict[str, Any]:
        """Counts of the last check: rows, valid, new, changed, unchanged, errors, notices."""
        return dict(batch.summary.get("check", {}))


class ImportUploadInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(help_text="CSV (.csv, .txt, .tsv) or Excel (.xlsx).")


class ImportOptionsInput(serializers.Serializer):
    date_format = serializers.ChoiceField(choices=list(DATE_FORMATS), default="auto")
    decimal_separator = serializers.ChoiceField(choices=list(DECIMAL_SEPARATORS), default="auto")


class ImportMappingInput(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Our field -> the file's column; an empty column leaves the field unset.",
    )
    options = ImportOptionsInput(required=False)


@extend_schema_view(
    list=extend_schema(summary="List imports, newest first"),
    retrieve=extend_schema(summary="Get an import: mapping, check counts and first problems"),
)
class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """Imports of customers, offerings, sales lines and exchange rates."""

    model = ImportBatch
    serializer_class = ImportBatchOutput
    read_capability = Capability.MANAGE_DATA
    write_capability = Capability.MANAGE_DATA
    parser_classes = [MultiPartParser, JSONParser]

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.order_by("-created_at", "-pk")

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        if request.method == "POST" and too_large_by_header(request) is None:
            install_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    def _render(self, batch: ImportBatch, *, status_code: int = 200) -> Response:
        return Response(self.get_serializer(batch).data, status=status_code)

    @extend_schema(
        summary="Upload a file to import",
        request={"multipart/form-data": ImportUploadInput},
        responses={201: ImportBatchOutput, 400: OpenApiResponse(description="Unreadable file")},
    )
    def create(self, request: WorkspaceApiRequest) -> Response:
        announced = too_large_by_header(request._request)
        if announced is not None:
            return Response({"file": [too_large_message(announced)]}, status=413)
        if request.method == "POST":
            request.data  # noqa: B018 - parse the body through the size guard
        if upload_was_too_large(request):
            return Response({"file": [too_large_message()]}, status=413)
        data = ImportUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            batch = import_batch_create(
                workspace=self.workspace,
                kind=data.validated_data["kind"],
                upload=data.validated_data["file"],
                user=request.user,
            )
        except ImportRefused as refused:
            raise ValidationError({"file": [str(refused)]}) from None
        return self._render(batch, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the column mapping and options, and check every row",
        request=ImportMappingInput,
        responses={
            200: ImportBatchOutput,
            202: OpenApiResponse(description="A large file: checked by a job; follow its URL"),
        },
    )
    @action(detail=True, methods=["put"], url_path="mapping")
    def mapping(self, request: WorkspaceApiRequest, pk: str | None = None) -> Response:
        batch = self.get_object()
        data = ImportMappingInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            checked = import_batch_check(
                workspace=self.workspace,
                batch=batch,
                mapping=data.validated_data["mapping"],
                options=dict(data.validated_data.get("options") or {}),
                user=request.user,
            )
        except MappingProblem as problem:
            raise ValidationError({k: [v] for k, v in problem.errors.items()}) from None
        except ImportRefused as refused:
            raise ValidationError({"status": [str(refused)]}) from None
        if isinstance(checked, Job):  # a large file: checked in the background
            return accepted_job_response(checked, request)
        batch.refresh_from_db()
        return self._render(batch)

    @extend_schema(
        summary="Apply a checked import in the background (all or nothing)",
        description="Refused (409) when the check found lines already imported under other"
        ' keys (`check.rekeyed`), unless the body says `{"replace_keys": true}`: those stored'
        " lines then take this file's keys, and nothing is added twice.",
        request=inline_serializer(
            "ImportApply",
            fields={"replace_keys": serializers.BooleanField(required=False, default=False)},
        ),
        responses={202: OpenApiResponse(description="Started; follow the job URL")},
    )
    @action(detail=True, methods=["post"], url_path="apply")
    def apply(self, request: WorkspaceApiRequest, pk: str | None = None) -> Response:
        batch = self.get_object()
        data = request.data if isinstance(request.data, dict) else {}
        replace_keys = str(data.get("replace_keys", "")).lower() in {"1", "true", "yes"}
        try:
            job = import_batch_apply(
                workspace=self.workspace, batch=batch, user=request.user, replace_keys=replace_keys
            )
        except ImportRefused as refused:
            return Response({"detail": str(refused)}, status=status.HTTP_409_CONFLICT)
        return accepted_job_response(job, request)

    @extend_schema(
        summary="Download every problem of the last check as CSV",
        responses={(200, "text/csv"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="errors")
    def errors(self, request: Request, pk: str | None = None) -> StreamingHttpResponse:
        batch = self.get_object()
        path = work_files(batch).errors
        if not path.exists():
            raise Http404("This file has not been checked yet.")
        response = StreamingHttpResponse(_error_rows(read_errors(path)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return response
