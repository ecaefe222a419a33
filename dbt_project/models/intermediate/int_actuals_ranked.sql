-- Every actual (fct_actuals) with the document it came from and its place in two orders within
-- its grain (region, region code, year, indicator, measure, unit):
--
-- * best_order: the figure a year's target is judged by. A full-year official figure (1-12, not
--   an estimate) first, then a full-year estimate (预计全年), then the latest part-year figure
--   (the largest end month; official before estimate; counted from January before a shorter
--   period).
-- * part_year_order: among the part-year figures only (not 1-12), the latest, in the same way.
--
-- Ties go to the report given latest (its publication date's year, else the year its targets are
-- for: next year's review after this year's notices; a revised figure after a preliminary one),
-- then the most recently published, then the document and the first in the text.

with

actuals as (

    select * from {{ ref('fct_actuals') }}

),

documents as (

    select * from {{ ref('dim_document') }}

),

actuals_with_documents as (

    select
        actuals.*,
        actuals.period_start_month = 1 and actuals.period_end_month = 12 as is_full_year,
        documents.kind as document_kind,
        documents.published_date as document_published_date,
        cast(coalesce(extract(year from documents.published_date), documents.target_year, documents.year)
            as integer) as document_year

    from actuals
    left join documents
        on actuals.document_id = documents.document_id

),

final as (

    select
        *,
        row_number() over (
            partition by region, region_code, year, indicator, measure, unit
            order by
                is_full_year desc,
                estimate,
                period_end_month desc,
                period_start_month,
                document_year desc nulls last,
                document_published_date desc nulls last,
                document_id,
                char_start,
                fact_id
        ) as best_order,
        case when not is_full_year then row_number() over (
            partition by region, region_code, year, indicator, measure, unit, is_full_year
            order by
                period_end_month desc,
                period_start_month,
                estimate,
                document_year desc nulls last,
                document_published_date desc nulls last,
                document_id,
                char_start,
                fact_id
        ) end as part_year_order

    from actuals_with_documents

)

select * from final
