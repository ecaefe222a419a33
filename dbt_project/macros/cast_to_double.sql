{#
    Cast a numeric column to DOUBLE through its shortest decimal text.

    For a DOUBLE column this is lossless. For a 4-byte FLOAT/REAL column (what SQLAlchemy's
    sa.Float creates in DuckDB) a plain cast would carry the binary error into the marts
    (1321.29 -> 1321.2900390625); going through the text gives back the number as written
    (1321.29), since every figure in the reports has far fewer than 7 significant digits.
    `double precision` is the type's name in both DuckDB and PostgreSQL (plain `double` is
    DuckDB's only).
#}
{% macro cast_to_double(column) -%}
    cast(cast({{ column }} as varchar) as double precision)
{%- endmacro %}
