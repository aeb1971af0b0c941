"""Synthetic Persian news and comments for load measurement (`make bench`), never for readers.

Everything written here is marked: articles by SOURCE_NAME and a kicker prefix, categories and
tags by a slug prefix and a name suffix, comments by USER_AGENT and a name prefix, so `--clear`
removes exactly what this command made. The governor's article is never modified; it only gets
synthetic approved comments up to GOVERNOR_COMMENTS.
"""

import bisect
import random
import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from articles.models import Article, Category, Section, Tag
from comments.models import Comment, recount, refresh_article, text_fingerprint
from newsroom.persian import fa_digits, persian_slug, search_text

SOURCE_NAME = "دادهٔ نمایشی (ساختگی)"
MARK = "[ساختگی]"
SLUG_PREFIX = "نمایشی-"
NAME_SUFFIX = " (نمایشی)"
USER_AGENT = "seed_demo (synthetic data)"
GOVERNOR_CODE = 673206
GOVERNOR_COMMENTS = 200
# Synthetic news codes start far above the real ones, so they never take a real article's code.
CODE_BASE = 1_000_000
# Rows the governor fixture loads with fixed primary keys; loading it over synthetic rows that
# took those keys would overwrite them.
FIXTURE_PKS = {Article: [1], Category: [1], Tag: [1, 2], Section: list(range(1, 8))}
PUBLISHED_WITHIN_DAYS = 180


def _zwnj(words: str) -> list[str]:
    """Word lists are written with "_" where Persian puts a zero-width non-joiner."""
    return [w.strip().replace("_", "\u200c") for w in words.split("،") if w.strip()]


CATEGORIES = _zwnj("سیاسی، اقتصادی، ورزشی، فرهنگی، استان_ها، اجتماعی، بین_الملل، علم و فناوری")
TAGS = _zwnj(
    "تورم، بورس، بودجه، مجلس، دولت، انتخابات، فوتبال، لیگ برتر، والیبال، کشتی، سینما، کتاب، "
    "موسیقی، تئاتر، خشکسالی، زلزله، آموزش و پرورش، دانشگاه، کنکور، سلامت، بیمه، مسکن، اشتغال، "
    "صادرات، نفت، گاز، برق، حمل_ونقل، گردشگری، میراث فرهنگی، محیط زیست، کشاورزی، فضای مجازی، "
    "هوش مصنوعی، استارتاپ، بانک مرکزی، ارز، مالیات، شهرداری، آب"
)
PLACES = _zwnj(
    "تهران، اصفهان، شیراز، تبریز، مشهد، اهواز، رشت، کرمان، یزد، همدان، کرمانشاه، ایلام، زاهدان، "
    "ارومیه، سنندج، بندرعباس، قزوین، اراک، خرم_آباد، بوشهر، گرگان، ساری، بیرجند، یاسوج"
)
ACTORS = _zwnj(
    "وزیر اقتصاد، استاندار کرمانشاه، رئیس سازمان برنامه و بودجه، سخنگوی دولت، نمایندهٔ مجلس، "
    "رئیس کل بانک مرکزی، مدیرکل میراث فرهنگی، سرمربی تیم ملی، شهردار تهران، وزیر آموزش و پرورش، "
    "رئیس دانشگاه تهران، معاون وزیر بهداشت، فرماندار شهرستان، رئیس اتاق بازرگانی، "
    "مدیرعامل شرکت آب و فاضلاب، دبیر کمیسیون کشاورزی، رئیس پلیس راه، مدیرکل هواشناسی استان"
)
TOPICS = _zwnj(
    "بودجهٔ سال آینده، طرح نوسازی مدارس، قیمت مسکن، صادرات غیرنفتی، ذخایر آب سدها، "
    "لیگ برتر فوتبال، جشنوارهٔ فیلم فجر، نمایشگاه کتاب، بیمهٔ سلامت روستاییان، طرح انتقال آب، "
    "شبکهٔ ملی اطلاعات، حمل_ونقل عمومی، بازار سرمایه، نرخ بیکاری، ساخت بیمارستان جدید، "
    "پروژهٔ راه_آهن، گردشگری زمستانی، کنکور سراسری، تعرفهٔ برق، تسهیلات ازدواج، "
    "بازسازی مناطق زلزله_زده، واردات خودرو، قیمت نان، آلودگی هوا، مالیات بر خانه_های خالی"
)
PREDICATES = _zwnj(
    "در دستور کار قرار گرفت، تصویب شد، افزایش می_یابد، کاهش یافت، به مرحلهٔ اجرا رسید، "
    "بررسی می_شود، نیازمند بازنگری است، با تأخیر روبه_رو شد، رکورد تازه_ای ثبت کرد، "
    "از هفتهٔ آینده آغاز می_شود، به_زودی نهایی می_شود، در اولویت دولت است"
)
EVENTS = _zwnj(
    "نشست خبری، جلسهٔ شورای اداری، آیین افتتاح، همایش سالانه، بازدید میدانی، جلسهٔ علنی مجلس، "
    "نشست با فعالان اقتصادی، گفت_وگوی تلویزیونی"
)
ORGS = _zwnj(
    "استانداری، شهرداری، وزارت نیرو، سازمان هواشناسی، دانشگاه علوم پزشکی، اتاق بازرگانی، "
    "ادارهٔ کل ورزش و جوانان، بنیاد مسکن، سازمان میراث فرهنگی"
)
SUBHEADINGS = _zwnj(
    "چشم_انداز سال آینده، واکنش کارشناسان، گام_های بعدی، سهم استان_ها، نگرانی_ها و راهکارها، "
    "آمار و ارقام، پیشینهٔ طرح، انتظار مردم"
)
COMMENT_LINES = _zwnj(
    "خبر خوبی بود؛ امیدوارم این بار واقعاً عملی شود، ممنون از گزارش دقیقتان، "
    "چرا زودتر اطلاع_رسانی نشد؟، در شهر ما هنوز خبری از این طرح نیست، "
    "این وعده را سال گذشته هم شنیده بودیم، لطفاً پیگیری کنید و نتیجه را هم گزارش دهید، "
    "مسئولان باید پاسخگو باشند، کاش آمار دقیق_تری منتشر می_شد، "
    "بسیار عالی؛ دست مریزاد، مردم منتظر اقدام عملی هستند نه حرف، "
    "به نظرم اولویت باید با روستاها باشد، هزینه_ها را چه کسی می_پردازد؟"
)
FIRST_NAMES = _zwnj(
    "علی، مریم، زهرا، حسین، فاطمه، محمد، سارا، رضا، نرگس، امیر، لیلا، مهدی، کیوان، شیرین، بهرام، "
    "پریسا، یاسر، هانیه، کوروش، نیلوفر، سعید، الهام، مرتضی، ژیلا"
)
LAST_NAMES = _zwnj(
    "احمدی، کریمی، رستمی، حسینی، محمدی، نوروزی، کاظمی، یوسفی، مرادی، قربانی، صالحی، جعفری، "
    "رحیمی، سلیمانی، عزیزی، فیلی، ملک_شاهی، زارعی"
)
# Share of each status among synthetic comments (mostly approved, as on a moderated site).
STATUS_WEIGHTS = {
    Comment.Status.APPROVED: 80,
    Comment.Status.PENDING: 10,
    Comment.Status.REJECTED: 5,
    Comment.Status.SPAM: 5,
}


class Writer:
    """Persian sentences from the word lists above, driven by one seeded generator."""

    def __init__(self, rng: random.Random, pool_size: int = 3000):
        self.rng = rng
        self.pick = rng.choice
        # Building every sentence afresh dominated the run time; paragraphs drawn from a pool
        # of a few thousand sentences read the same and cost a fraction.
        self.sentences = [self.sentence() for _ in range(pool_size)]
        self.comments = [self.new_comment() for _ in range(pool_size)]

    def number(self) -> str:
        return fa_digits(self.rng.randint(2, 98))

    def clause(self) -> str:
        p = self.pick
        return self.pick(
            (
                f"{p(TOPICS)} {p(PREDICATES)}",
                f"{p(TOPICS)} باید با همکاری {p(ORGS)} پیگیری شود",
                f"سهم {p(TOPICS)} در برنامهٔ امسال {self.number()} درصد است",
                f"پیشرفت {p(TOPICS)} در {p(PLACES)} به {self.number()} درصد رسیده است",
                f"اعتبار {p(TOPICS)} تا پایان سال پرداخت می\u200cشود",
            )
        )

    def sentence(self) -> str:
        p = self.pick
        opener = p(
            (
                f"به گزارش خبرنگار ما از {p(PLACES)}، ",
                f"به نقل از روابط عمومی {p(ORGS)}، ",
                "وی افزود: ",
                f"وی با اشاره به {p(TOPICS)} گفت: ",
                "در ادامهٔ این نشست، ",
                "بر اساس آمار رسمی، ",
                "کارشناسان معتقدند ",
                "این مقام مسئول تصریح کرد: ",
                "",
            )
        )
        joiner = p(("؛ همچنین ", " و ", "، اما ", "؛ در عین حال "))
        return f"{opener}{self.clause()}{joiner}{self.clause()}."

    def paragraph(self) -> str:
        return " ".join(self.rng.sample(self.sentences, self.rng.randint(2, 5)))

    def headline(self) -> str:
        p = self.pick
        return p(
            (
                f"{p(TOPICS)} {p(PREDICATES)}",
                f"{p(TOPICS)} در {p(PLACES)} {p(PREDICATES)}",
                f"{p(ACTORS)}: {p(TOPICS)} {p(PREDICATES)}",
            )
        )

    def lead(self, actor: str) -> str:
        p = self.pick
        return f"{actor} در {p(EVENTS)} در {p(PLACES)} گفت: {self.clause()} و {self.clause()}."

    def sections(self) -> list[tuple[str, str]]:
        """4–10 (kind, text) pairs: mostly paragraphs, a subheading or quote now and then."""
        count = self.rng.randint(4, 10)
        parts = [(Section.Kind.PARAGRAPH, self.paragraph())]
        while len(parts) < count:
            roll = self.rng.random()
            if roll < 0.12 and parts[-1][0] == Section.Kind.PARAGRAPH:
                parts.append((Section.Kind.SUBHEADING, self.pick(SUBHEADINGS)))
            elif roll < 0.2:
                parts.append((Section.Kind.QUOTE, f"«{self.clause()}؛ این خواستهٔ مردم است.»"))
            else:
                parts.append((Section.Kind.PARAGRAPH, self.paragraph()))
        if parts[-1][0] == Section.Kind.SUBHEADING:
            parts[-1] = (Section.Kind.PARAGRAPH, self.paragraph())
        return parts

    def comment(self) -> str:
        return self.pick(self.comments)

    def new_comment(self) -> str:
        lines = self.rng.sample(COMMENT_LINES, self.rng.randint(1, 3))
        if self.rng.random() < 0.5:
            lines.append(f"دربارهٔ {self.pick(TOPICS)} در {self.pick(PLACES)} هم بنویسید")
        return "؛ ".join(lines) + "."

    def name(self) -> str:
        return f"{MARK} {self.pick(FIRST_NAMES)} {self.pick(LAST_NAMES)}"


class Command(BaseCommand):
    help = (
        "Fill the database with SYNTHETIC (fake) Persian articles and comments for load "
        "measurement, all marked «" + SOURCE_NAME + "»; gives the governor's article exactly "
        f"{GOVERNOR_COMMENTS} approved comments. Never use it on a site readers see."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000, help="synthetic articles")
        parser.add_argument(
            "--comments",
            type=int,
            default=100_000,
            help="synthetic comments spread over the new synthetic articles "
            f"(the governor's article's top-up to {GOVERNOR_COMMENTS} comes on top)",
        )
        parser.add_argument(
            "--governor-comments",
            type=int,
            default=GOVERNOR_COMMENTS,
            help="approved comments the governor's article is topped up to (one in five a reply)",
        )
        parser.add_argument("--seed", type=int, default=1404, help="random seed (reproducible)")
        parser.add_argument("--clear", action="store_true", help="remove synthetic data first")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(
        self,
        *args,
        articles,
        comments,
        governor_comments,
        seed,
        clear,
        batch_size,
        verbosity,
        **options,
    ):
        if articles < 0 or comments < 0 or governor_comments < 0 or batch_size < 1:
            raise CommandError("--articles and --comments must be ≥ 0, --batch-size ≥ 1.")
        if comments and not articles:
            raise CommandError("--comments needs --articles > 0 (they go on the new articles).")
        started = time.perf_counter()
        self.rng = random.Random(seed)  # noqa: S311 (reproducible fake data, not security)
        self.writer = Writer(self.rng)
        self.quiet = verbosity == 0
        self.batch_size = batch_size
        self.now = timezone.now()

        with transaction.atomic():
            if clear:
                self.clear()
            governor = self.governor_article()
            new_articles = self.create_articles(articles)
            created_comments = self.create_comments(new_articles, comments)
            topped_up = self.top_up_governor(governor, governor_comments)
            approved = Comment.objects.approved().filter(article=governor).count()
            # bulk_create skips moderation: the counts and the pages follow here.
            recount(Article.objects.values("pk"))
            refresh_article(governor)
        with connection.cursor() as cursor:
            # Fresh statistics, so the planner knows the tables are no longer nearly empty.
            cursor.execute("ANALYZE")

        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"seed_demo: {len(new_articles)} synthetic articles, {created_comments} comments, "
            f"{topped_up} added to the governor's article (now {approved} approved) "
            f"in {elapsed:.1f} s"
        )

    # --- clearing and the real article ----------------------------------------------------------

    def clear(self) -> None:
        synthetic = Article.objects.filter(source_name=SOURCE_NAME)
        # Children first, in bulk: cheaper than letting the ORM collect 100 000 rows to cascade.
        Comment.objects.filter(user_agent=USER_AGENT).delete()
        Section.objects.filter(article__in=synthetic).delete()
        Article.tags.through.objects.filter(article__in=synthetic).delete()
        removed, _ = synthetic.delete()
        Tag.objects.filter(slug__startswith=SLUG_PREFIX, articles__isnull=True).delete()
        Category.objects.filter(slug__startswith=SLUG_PREFIX, articles__isnull=True).delete()
        self.log(f"Removed {removed} synthetic rows.")

    def governor_article(self) -> Article:
        governor = Article.objects.filter(news_code=GOVERNOR_CODE).first()
        if governor is not None:
            return governor
        taken = [
            model.__name__
            for model, pks in FIXTURE_PKS.items()
            if model.objects.filter(pk__in=pks).exists()
        ]
        if taken:
            raise CommandError(
                "The governor's article is missing and other rows hold the primary keys its "
                f"fixture needs ({', '.join(taken)}); run with --clear or load it first."
            )
        call_command("loaddata", "governor_article", verbosity=0)
        return Article.objects.get(news_code=GOVERNOR_CODE)

    # --- articles -------------------------------------------------------------------------------

    def groups(self, model) -> list:
        """The synthetic categories or tags, created once and reused by later runs."""
        names = CATEGORIES if model is Category else TAGS
        wanted = {SLUG_PREFIX + persian_slug(name): name + NAME_SUFFIX for name in names}
        existing = set(model.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        model.objects.bulk_create(
            [model(slug=slug, name=name) for slug, name in wanted.items() if slug not in existing]
        )
        return list(model.objects.filter(slug__in=wanted).order_by("slug"))

    def news_codes(self, count: int) -> list[int]:
        taken = set(
            Article.objects.filter(news_code__gte=CODE_BASE).values_list("news_code", flat=True)
        )
        start = max(taken, default=CODE_BASE - 1) + 1
        return list(range(start, start + count))

    def create_articles(self, count: int) -> list[tuple[int, object]]:
        """Creates `count` published synthetic articles; returns (pk, published_at) pairs."""
        if not count:
            return []
        categories, tags = self.groups(Category), self.groups(Tag)
        codes = self.news_codes(count)
        created: list[tuple[int, object]] = []
        with tqdm(total=count, desc="articles", unit="art", disable=self.quiet) as bar:
            for offset in range(0, count, self.batch_size):
                batch, bodies = [], []
                for code in codes[offset : offset + self.batch_size]:
                    article, body = self.article(code, categories), list(self.writer.sections())
                    # bulk_create skips Article.save(), which keeps the search text.
                    article.search_text = search_text(
                        article.kicker, article.headline, article.lead, *(t for _, t in body)
                    )
                    batch.append(article)
                    bodies.append(body)
                Article.objects.bulk_create(batch)
                if any(a.pk is None for a in batch):  # databases that return no ids
                    ids = dict(
                        Article.objects.filter(
                            news_code__in=[a.news_code for a in batch]
                        ).values_list("news_code", "pk")
                    )
                    for a in batch:
                        a.pk = ids[a.news_code]
                sections, links = [], []
                for a, body in zip(batch, bodies, strict=True):
                    for position, (kind, text) in enumerate(body, start=1):
                        sections.append(
                            Section(article_id=a.pk, position=position, kind=kind, text=text)
                        )
                    for tag in self.rng.sample(tags, self.rng.randint(1, 4)):
                        links.append(Article.tags.through(article_id=a.pk, tag_id=tag.pk))
                Section.objects.bulk_create(sections, batch_size=self.batch_size)
                Article.tags.through.objects.bulk_create(links, batch_size=self.batch_size)
                created.extend((a.pk, a.published_at) for a in batch)
                bar.update(len(batch))
        return created

    def article(self, code: int, categories: list[Category]) -> Article:
        w = self.writer
        actor = self.rng.choice(ACTORS)
        headline = w.headline()
        return Article(
            kicker=f"{MARK} {actor}:",
            headline=headline,
            lead=w.lead(actor),
            news_code=code,
            slug=persian_slug(headline),  # bulk_create skips Article.save()
            category=self.rng.choice(categories),
            status=Article.Status.PUBLISHED,
            published_at=self.now
            - timedelta(seconds=self.rng.randint(600, PUBLISHED_WITHIN_DAYS * 86400)),
            source_name=SOURCE_NAME,
        )

    # --- comments -------------------------------------------------------------------------------

    def create_comments(self, articles: list[tuple[int, object]], count: int) -> int:
        if not count:
            return 0
        senders = [f"{self.rng.getrandbits(128):032x}" for _ in range(max(50, count // 5))]
        statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        seen: set[tuple[int, str, str]] = set()  # the (article, sender, text) unique constraint
        with tqdm(total=count, desc="comments", unit="cmt", disable=self.quiet) as bar:
            for offset in range(0, count, self.batch_size):
                size = min(self.batch_size, count - offset)
                picked = self.rng.choices(statuses, weights, k=size)
                batch = []
                for status in picked:
                    pk, published_at = self.rng.choice(articles)
                    batch.append(self.comment(pk, published_at, status, senders, seen))
                Comment.objects.bulk_create(batch)
                bar.update(size)
        return count

    def comment(self, article_pk, published_at, status, senders, seen) -> Comment:
        while True:
            text, sender = self.writer.comment(), self.rng.choice(senders)
            fingerprint = text_fingerprint(text)  # bulk_create skips Comment.save()
            key = (article_pk, sender, fingerprint)
            if key not in seen:
                seen.add(key)
                break
        span = max(60, int((self.now - published_at).total_seconds()))
        created_at = published_at + timedelta(seconds=self.rng.randint(30, min(span, 7 * 86400)))
        created_at = min(created_at, self.now)
        moderated_at = None
        if status != Comment.Status.PENDING:
            moderated_at = min(self.now, created_at + timedelta(minutes=self.rng.randint(5, 600)))
        email = "" if self.rng.random() < 0.6 else f"reader{self.rng.randint(1, 99999)}@example.com"
        return Comment(
            article_id=article_pk,
            name=self.writer.name(),
            email=email,
            text=text,
            status=status,
            created_at=created_at,
            moderated_at=moderated_at,
            sender_hash=sender,
            user_agent=USER_AGENT,
            fingerprint=fingerprint,
        )

    def top_up_governor(self, governor: Article, target: int) -> int:
        """Approved comments up to `target`, never more, never touching the article; one in
        five answers an earlier comment (one level deep, as readers' replies are)."""
        missing = target - Comment.objects.approved().filter(article=governor).count()
        if missing <= 0:
            return 0
        seen = {
            (governor.pk, sender, fingerprint)
            for sender, fingerprint in Comment.objects.filter(article=governor).values_list(
                "sender_hash", "fingerprint"
            )
        }
        senders = [f"{self.rng.getrandbits(128):032x}" for _ in range(60)]
        made = [
            self.comment(governor.pk, governor.published_at, Comment.Status.APPROVED, senders, seen)
            for _ in range(missing)
        ]
        made.sort(key=lambda c: c.created_at)
        roots = [c for i, c in enumerate(made) if i % 5 or i == 0]
        Comment.objects.bulk_create(roots, batch_size=self.batch_size)
        roots = list(
            Comment.objects.approved()
            .filter(article=governor, parent=None)
            .order_by("created_at")
            .values_list("pk", "created_at")
        )
        moments = [created for _, created in roots]
        replies = []
        for i, reply in enumerate(made):
            if i % 5 or i == 0:
                continue
            # A comment published before it, picked at random.
            before = max(1, bisect.bisect_right(moments, reply.created_at))
            reply.parent_id = roots[self.rng.randrange(before)][0]
            replies.append(reply)
        Comment.objects.bulk_create(replies, batch_size=self.batch_size)
        return missing

    def log(self, message: str) -> None:
        if not self.quiet:
            self.stdout.write(message)
