"""From Python types to the tool's JSON Schema, and from validated JSON back to Python values.

Functions become a pydantic model with one field per parameter (in signature order, each aliased to the
parameter's own name, so names such as ``json`` or ``_id`` cannot clash with pydantic's), models /
dataclasses / TypedDicts go through a ``TypeAdapter``. Either way pydantic generates the JSON Schema (through
:class:`ToolJsonSchema`) and later converts the validated arguments; :func:`tidy_schema` makes the schema
readable.

Descriptions, strongest first: ``Field(description=...)`` (in ``Annotated`` or as the default), a plain
string in ``Annotated[...]``, the docstring (Google, NumPy or Sphinx; ``Args``, ``Keyword Args``,
``Attributes``…). Objects are closed (``additionalProperties: false``) unless the Python type keeps extra keys
(a ``dict``, a model with ``extra="allow"``): a key that would be dropped is a key the schema forbids.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Mapping
from typing import Any

import typing_extensions
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model
from pydantic import ValidationError as PydanticValidationError
from pydantic.errors import PydanticUserError
from pydantic.fields import FieldInfo
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import PydanticUndefined, core_schema

from minimax_sdk.errors import ToolArgumentsError
from minimax_sdk.tools._binding import Binding, CallArgs
from minimax_sdk.tools._docstrings import parse_docstring
from minimax_sdk.tools._tidy import order_keys, tidy_schema
from minimax_sdk.tools._validate import problems_from_pydantic

__all__ = ["ToolJsonSchema", "function_binding", "is_model_type", "model_binding"]


class ToolJsonSchema(GenerateJsonSchema):
    """pydantic's generator, with docstring sections split into descriptions and closed objects."""

    _enums: list[type[Any]]

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        cls = schema["cls"]
        aliases = {(f.alias or n): n for n, f in getattr(cls, "model_fields", {}).items()}
        return _class_schema(super().model_schema(schema), cls, aliases)

    def dataclass_schema(self, schema: core_schema.DataclassSchema) -> JsonSchemaValue:
        return _class_schema(super().dataclass_schema(schema), schema["cls"], {})

    def typed_dict_schema(self, schema: core_schema.TypedDictSchema) -> JsonSchemaValue:
        return _class_schema(super().typed_dict_schema(schema), schema.get("cls"), {})

    def enum_schema(self, schema: core_schema.EnumSchema) -> JsonSchemaValue:
        # pydantic adds an enum's docstring after this method returns: split it in ``generate``.
        self._enums.append(schema["cls"])
        return super().enum_schema(schema)

    def generate(self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        self._enums = []
        json_schema = super().generate(schema, mode)
        defs = json_schema.get("$defs", {})
        for cls in self._enums:
            for node in (json_schema, *defs.values()):
                if node.get("title") == cls.__name__ and "enum" in node:
                    _split_class_docstring(node, cls)
        return json_schema


def _split_class_docstring(json_schema: JsonSchemaValue, cls: Any) -> dict[str, str]:
    """Replace a docstring-derived ``description`` by its prose part; return the documented names."""
    raw_doc = getattr(cls, "__doc__", None)
    if not raw_doc or json_schema.get("description") != inspect.cleandoc(raw_doc):
        return {}
    parsed = parse_docstring(raw_doc)
    if parsed.description:
        json_schema["description"] = parsed.description
    else:
        del json_schema["description"]
    return parsed.params


def _class_schema(json_schema: JsonSchemaValue, cls: Any, aliases: Mapping[str, str]) -> JsonSchemaValue:
    documented = _split_class_docstring(json_schema, cls)
    properties = json_schema.get("properties")
    if isinstance(properties, dict):
        for key, prop in properties.items():
            text = documented.get(aliases.get(key, key)) or documented.get(key)
            if text and isinstance(prop, dict) and "description" not in prop:
                prop["description"] = text
    if json_schema.get("type") == "object" and "additionalProperties" not in json_schema:
        json_schema["additionalProperties"] = False
    return json_schema


def _converter(tool_name: str, validate: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    def convert(arguments: dict[str, Any]) -> Any:
        try:
            return validate(arguments)
        except PydanticValidationError as exc:
            raise ToolArgumentsError(tool_name, problems_from_pydantic(exc, arguments)) from None

    return convert


def _signature(func: Callable[..., Any], tool_name: str) -> inspect.Signature:
    try:
        return inspect.signature(func, eval_str=True)
    except (NameError, TypeError, ValueError, SyntaxError) as exc:
        raise TypeError(
            f"tool `{tool_name}`: cannot read the type hints of {func!r}: {exc}. Hints must name types that "
            "exist at module level (a class defined inside a function cannot be found from a string hint)."
        ) from None


def _annotated_text(annotation: Any) -> str | None:
    """A plain string in ``Annotated[T, "text"]`` (the first one), else ``None``."""
    if typing.get_origin(annotation) is typing.Annotated:
        for item in annotation.__metadata__:
            if isinstance(item, str) and item.strip():
                return item.strip()
    return None


def _parameter_field(param: inspect.Parameter, tool_name: str) -> tuple[Any, Any]:
    if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
        raise TypeError(
            f"tool `{tool_name}`: `{param.name}` takes any number of arguments, which a JSON object cannot "
            f"name; use a parameter such as `options: dict[str, Any]` instead"
        )
    annotation = Any if param.annotation is param.empty else param.annotation
    default = param.default
    infos = [default, *getattr(annotation, "__metadata__", ())]
    if any(isinstance(i, FieldInfo) and i.alias not in (None, param.name) for i in infos):
        raise TypeError(f"tool `{tool_name}`: parameter `{param.name}` has an alias; rename the parameter instead")
    if default is param.empty:
        default = PydanticUndefined
    return typing.Annotated[annotation, Field(alias=param.name)], default


def _raise_for_parameter(func: Callable[..., Any], tool_name: str, exc: Exception) -> typing.NoReturn:
    """Re-raise a schema failure naming the parameter whose type caused it."""
    for param in inspect.signature(func, eval_str=True).parameters.values():
        if param.annotation is param.empty:
            continue
        try:
            TypeAdapter(param.annotation).json_schema(schema_generator=ToolJsonSchema)
        except Exception as inner:  # pydantic raises several unrelated classes here
            raise TypeError(
                f"tool `{tool_name}`: parameter `{param.name}` has a type that has no JSON Schema "
                f"({param.annotation!r}): {inner}"
            ) from exc
    raise TypeError(f"tool `{tool_name}`: cannot build a JSON Schema for its parameters: {exc}") from exc


def function_binding(func: Callable[..., Any], tool_name: str) -> Binding:
    """The binding of a function: one property per parameter, in order; docstring text as descriptions."""
    params = list(_signature(func, tool_name).parameters.values())
    fields = {f"p{i}": _parameter_field(p, tool_name) for i, p in enumerate(params)}
    try:
        model = create_model(  # type: ignore[call-overload]
            f"{tool_name}_arguments", __config__=ConfigDict(extra="forbid"), **fields
        )
        raw = model.model_json_schema(schema_generator=ToolJsonSchema)
    except Exception as exc:  # pydantic raises several unrelated classes for unsupported types
        _raise_for_parameter(func, tool_name, exc)
    doc = parse_docstring(inspect.getdoc(func))
    properties = raw.setdefault("properties", {})
    for param in params:
        prop = properties[param.name]
        text = _annotated_text(param.annotation) or doc.params.get(param.name)
        if text and "description" not in prop:
            prop["description"] = text
            properties[param.name] = order_keys(prop)
    positional = [p.name for p in params if p.kind is p.POSITIONAL_ONLY]
    keys = [(f"p{i}", p.name) for i, p in enumerate(params)]

    def validate(arguments: dict[str, Any]) -> dict[str, Any]:
        converted = model.model_validate(arguments)
        return {name: getattr(converted, field) for field, name in keys}

    def call_args(values: dict[str, Any]) -> CallArgs:
        kwargs = dict(values)
        return tuple(kwargs.pop(name) for name in positional), kwargs

    parameters = tidy_schema(raw)
    parameters.setdefault("required", [])
    return Binding(order_keys(parameters), doc.description, _converter(tool_name, validate), call_args)


def is_model_type(obj: Any) -> bool:
    """Whether ``obj`` is a class ``Tool.from_model`` takes: a pydantic model, a dataclass, a TypedDict."""
    if not isinstance(obj, type):
        return False
    return issubclass(obj, BaseModel) or dataclasses.is_dataclass(obj) or typing_extensions.is_typeddict(obj)


def model_binding(model: type[Any], tool_name: str) -> Binding:
    """The binding of a model class: its fields are the parameters; the call gets one instance."""
    if not is_model_type(model):
        raise TypeError(
            f"tool `{tool_name}`: expected a pydantic model, a dataclass or a TypedDict class, got {model!r}"
        )
    try:
        adapter: TypeAdapter[Any] = TypeAdapter(model)
        raw = adapter.json_schema(schema_generator=ToolJsonSchema)
    except PydanticUserError as exc:
        raise TypeError(f"tool `{tool_name}`: cannot use {model.__name__}: {exc.message}") from None
    except Exception as exc:  # pydantic raises several unrelated classes for unsupported types
        raise TypeError(f"tool `{tool_name}`: cannot build a JSON Schema for {model.__name__}: {exc}") from exc
    parameters = tidy_schema(raw)
    if parameters.get("type") != "object":
        raise TypeError(f"tool `{tool_name}`: {model.__name__} is not an object type (its schema: {parameters})")
    description = parameters.pop("description", "")
    parameters.setdefault("properties", {})
    parameters.setdefault("required", [])

    def call_args(instance: Any) -> CallArgs:
        return (instance,), {}

    converter = _converter(tool_name, adapter.validate_python)
    return Binding(order_keys(parameters), description, converter, call_args, model=model)
