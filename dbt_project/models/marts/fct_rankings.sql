-- One row per ranking (全省排名第13位) for indicators in the dictionary, with the field it was
-- ranked in resolved to a named region where possible (rank_scope_region):
--   全省                 -> the province of the ranked region
--   全市 / 全县 / 全区 / 全州 -> the nearest region above the ranked region (its parent, else its
--                          grandparent) whose name ends in that character: a county's prefecture
--                          (嘉鱼县 -> 咸宁市), a township's county-level city (大冶市), a
--                          municipality (北京市)
--   a region's name      -> that region, by full name or short name (咸阳 -> 咸阳市); an ambiguous
--                          short name prefers the ranked region's own province, then the higher
--                          level, then the name
--   anything else        -> NULL (全国, 全省县域, ...)

with

facts as (

    select * from {{ ref('int_facts_located') }}

),

regions as (

    select * from {{ ref('dim_region') }}

),

rankings as (

    select *
    from facts
    where kind = 'ranking'
      and indicator is not null
      -- a fact whose year could not be told stays in raw.facts (a raw check warns about it)
      and year is not null

),

rankings_with_ancestors as (

    select
        rankings.fact_id,
        rankings.rank_scope,
        ranked_region.province as region_province,
        ranked_region.parent_region as parent_region,
        parent.parent_region as grandparent_region

    from rankings
    left join regions as ranked_region
        on rankings.region = ranked_region.region
    left join regions as parent
        on ranked_region.parent_region = parent.region

),

named_scope_candidates as (

    select
        rankings_with_ancestors.fact_id,
        candidate.region as scope_region,
        row_number() over (
            partition by rankings_with_ancestors.fact_id
            order by
                coalesce(candidate.province = rankings_with_ancestors.region_province, false) desc,
                case candidate.level
                    when 'province' then 1
                    when 'prefecture' then 2
                    when 'county' then 3
                    else 4
                end,
                candidate.region
        ) as candidate_order

    from rankings_with_ancestors
    inner join regions as candidate
        on rankings_with_ancestors.rank_scope = candidate.region
        or rankings_with_ancestors.rank_scope = candidate.short_name

),

named_scope as (

    select
        fact_id,
        scope_region

    from named_scope_candidates
    where candidate_order = 1

),

scope_resolved as (

    select
        rankings_with_ancestors.fact_id,
        case
            when rankings_with_ancestors.rank_scope = '全省'
                then rankings_with_ancestors.region_province
            when rankings_with_ancestors.rank_scope in ('全市', '全县', '全区', '全州')
                then case
                    when right(rankings_with_ancestors.parent_region, 1)
                        = right(rankings_with_ancestors.rank_scope, 1)
                        then rankings_with_ancestors.parent_region
                    when right(rankings_with_ancestors.grandparent_region, 1)
                        = right(rankings_with_ancestors.rank_scope, 1)
                        then rankings_with_ancestors.grandparent_region
                end
            else named_scope.scope_region
        end as rank_scope_region

    from rankings_with_ancestors
    left join named_scope
        on rankings_with_ancestors.fact_id = named_scope.fact_id

),

final as (

    select
        rankings.fact_id,
        rankings.document_id,
        rankings.region,
        rankings.region_code,
        rankings.region_level,
        rankings.province,
        rankings.prefecture,
        rankings.year,
        rankings.period_start_month,
        rankings.period_end_month,
        rankings.indicator,
        rankings.indicator_raw,
        rankings.measure,
        rankings.rank,
        rankings.rank_direction,
        rankings.rank_scope,
        scope_resolved.rank_scope_region,
        rankings.evidence,
        rankings.char_start,
        rankings.char_end

    from rankings
    left join scope_resolved
        on rankings.fact_id = scope_resolved.fact_id

)

select * from final
